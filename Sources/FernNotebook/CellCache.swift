import FernLang
import FernTensor
import Foundation

/// The results of `#%% cache` cells, kept in `OUT/.cache/KEY/`, so that a
/// re-run skips a cell whose inputs have not changed.
///
/// The key hashes the cell's source with the content of every variable the
/// cell names that is defined when it starts (models by architecture and
/// weights, data sets by pixels and labels, functions by their source and
/// the globals they read), and the size and modification time of every
/// existing file named by a string the cell contains or reads. Values, not
/// cells, are the inputs: editing prose or an unrelated upstream cell keeps
/// the cache; changing a value the cell reads, by editing an upstream cell
/// or by `-p`, re-runs it. An entry holds what the cell printed, its
/// figures, and the variables it bound or may have changed (a model it read
/// can have been trained in place).
///
/// Runs of one notebook into one folder may overlap (two `fern run`s, a
/// watcher's re-run). An entry is built in a staging folder and swapped in
/// holding `.lock` exclusively, while readers hold it shared, so no one
/// reads half an entry. Each run holds `.running` shared while it lasts, and
/// a run prunes only when it alone holds it, so no run deletes an entry
/// another run is writing or reading.
final class CellCache {
    let folder: URL

    init(folder: URL) {
        self.folder = folder
    }

    /// A cell's cache key and the inputs it was computed from, kept in the
    /// entry so that a miss can say what changed.
    struct Key {
        var hex: String
        var sourceHash: String
        /// Fingerprint of each variable the cell names, "-" where undefined.
        var inputs: [String: String]
        /// Size and modification time of each file the cell names.
        var files: [String: String]
    }

    struct Entry: Codable {
        var key: String
        var cellNumber: Int
        var sourceHash: String
        var inputs: [String: String]
        var files: [String: String]
        var created: Date
        var output: String
        var figures: [String]
        var variables: [String: StoredValue]
    }

    static let formatVersion = "fern-cell-cache-1"

    func key(for cell: NotebookFile.Cell, usage: VariableUsage, globals: [String: Value]) -> Key {
        var fingerprinter = ValueFingerprinter(globals: globals)
        var inputs: [String: String] = [:]
        var strings = usage.strings
        for name in usage.reads {
            guard let value = globals[name] else {
                inputs[name] = "-"
                continue
            }
            inputs[name] = fingerprinter.fingerprint(value)
            strings.formUnion(CellCache.strings(in: value))
        }
        var files: [String: String] = [:]
        for path in strings where path.count < 4096 {
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                  attributes[.type] as? FileAttributeType == .typeRegular else { continue }
            let size = (attributes[.size] as? NSNumber)?.int64Value ?? -1
            let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            files[path] = "\(size)@\(modified)"
        }
        for (path, hash) in usage.usedFiles { files[path] = "content \(hash)" }
        // Trailing blank lines before the next marker are not part of the program.
        let sourceHash = ContentHash.of(String(cell.source.reversed().drop { $0.isWhitespace }.reversed()))
        var hash = ContentHash()
        hash.combine(CellCache.formatVersion)
        hash.combine(sourceHash)
        for (name, fingerprint) in inputs.sorted(by: { $0.key < $1.key }) {
            hash.combine(name)
            hash.combine(fingerprint)
        }
        for (path, stamp) in files.sorted(by: { $0.key < $1.key }) {
            hash.combine(path)
            hash.combine(stamp)
        }
        return Key(hex: hash.hex, sourceHash: sourceHash, inputs: inputs, files: files)
    }

    private static func strings(in value: Value) -> [String] {
        switch value {
        case .string(let s): [s]
        case .list(let items): items.flatMap { strings(in: $0) }
        case .dict(let d): (d.keys + d.values).flatMap { strings(in: $0) }
        default: []
        }
    }

    private func entryFolder(_ key: String) -> URL { folder.appendingPathComponent(key) }
    private var lockPath: String { folder.appendingPathComponent(".lock").path }
    private var runningPath: String { folder.appendingPathComponent(".running").path }

    /// Marks a run in progress until the returned lock goes away; hand it to `prune`.
    func beginRun() -> FileLock? {
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return FileLock(runningPath, .shared)
    }

    /// The entry stored under `key` and its variables read back, its
    /// figures copied into `outputFolder`; nil when there is no readable entry.
    func restore(_ key: Key, figuresInto outputFolder: URL) throws -> (entry: Entry, values: [String: Value])? {
        try FileLock.holding(lockPath, .shared) {
            let entryURL = entryFolder(key.hex)
            guard let data = FileManager.default.contents(atPath: entryURL.appendingPathComponent("entry.json").path),
                  let entry = try? CellCache.decoder.decode(Entry.self, from: data) else { return nil }
            var unarchiver = try ValueUnarchiver(folder: entryURL)
            var values: [String: Value] = [:]
            for (name, stored) in entry.variables { values[name] = try unarchiver.value(stored) }
            for figure in entry.figures {
                guard let data = FileManager.default.contents(atPath: entryURL.appendingPathComponent(figure).path) else {
                    throw NotebookError("the cache entry lacks figure \(figure)")
                }
                try AtomicFile.write(data, to: outputFolder.appendingPathComponent(figure))
            }
            return (entry, values)
        }
    }

    /// Why no entry matched `key`: the cell's source changed, or which inputs did.
    func missReason(for key: Key, cellNumber: Int) -> String {
        let entries = allEntries()
        if let previous = entries.filter({ $0.sourceHash == key.sourceHash }).max(by: { $0.created < $1.created }) {
            let changed = Set(key.inputs.keys).union(previous.inputs.keys).filter { key.inputs[$0] != previous.inputs[$0] }
            let files = Set(key.files.keys).union(previous.files.keys).filter { key.files[$0] != previous.files[$0] }
            var reasons: [String] = []
            if !changed.isEmpty { reasons.append("input\(changed.count == 1 ? "" : "s") changed: \(changed.sorted().joined(separator: ", "))") }
            if !files.isEmpty { reasons.append("file\(files.count == 1 ? "" : "s") changed: \(files.sorted().joined(separator: ", "))") }
            return reasons.isEmpty ? "cache format changed" : reasons.joined(separator: "; ")
        }
        if entries.contains(where: { $0.cellNumber == cellNumber }) { return "source changed" }
        return "nothing cached yet"
    }

    /// Stores a cell's results under `key`: the variables, and copies of its
    /// figures from `outputFolder`. The entry appears whole or not at all,
    /// replacing an earlier one.
    func store(key: Key, cellNumber: Int, output: String, figures: [String], variables: [String: Value],
               outputFolder: URL) throws {
        let staging = folder.appendingPathComponent(".staging-\(key.hex)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: staging) }
        var archiver = ValueArchiver(folder: staging)
        var stored: [String: StoredValue] = [:]
        for (name, value) in variables { stored[name] = try archiver.store(value) }
        try archiver.finish()
        for figure in figures {
            try FileManager.default.copyItem(at: outputFolder.appendingPathComponent(figure),
                                             to: staging.appendingPathComponent(figure))
        }
        let entry = Entry(key: key.hex, cellNumber: cellNumber, sourceHash: key.sourceHash, inputs: key.inputs,
                          files: key.files, created: Date(), output: output, figures: figures, variables: stored)
        try AtomicFile.write(try CellCache.encoder.encode(entry), to: staging.appendingPathComponent("entry.json"))
        try FileLock.holding(lockPath, .exclusive) {
            let destination = entryFolder(key.hex)
            let replaced = staging.appendingPathExtension("replaced")
            if FileManager.default.fileExists(atPath: destination.path) {
                try FileManager.default.moveItem(at: destination, to: replaced)
            }
            try FileManager.default.moveItem(at: staging, to: destination)
            try? FileManager.default.removeItem(at: replaced)
        }
    }

    /// Deletes every entry not in `keys`, so the cache holds one run's
    /// results, and what interrupted writers left behind; skipped while
    /// another run is in progress (it may need or be writing any entry).
    func prune(keeping keys: Set<String>, run: FileLock?) {
        if let run, !run.becomeExclusiveNow() { return }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        for name in names where !keys.contains(name) && name != ".lock" && name != ".running" {
            try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
        }
    }

    private func allEntries() -> [Entry] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        return names.compactMap { name in
            FileManager.default.contents(atPath: entryFolder(name).appendingPathComponent("entry.json").path)
                .flatMap { try? CellCache.decoder.decode(Entry.self, from: $0) }
        }
    }

    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    private static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
