import Foundation

/// `use "helpers.fern"`: runs another file once into the global scope, so that notebooks can
/// share functions instead of copying them.
extension Interpreter {
    /// Runs the file at `path`, relative to the directory of the file being run (the working
    /// directory at the prompt), unless it has run already; a file that uses itself, directly
    /// or through others, is an error naming the chain.
    func use(_ path: String, at location: SourceLocation) throws {
        let file = Interpreter.resolve(path, from: currentSource.file)
        let identity = Interpreter.identity(ofFile: file) ?? file
        if usedFiles.contains(identity) { return }
        if let start = filesInUse.firstIndex(of: identity) {
            let chain = (filesInUse[start...] + [identity]).map { ($0 as NSString).lastPathComponent }
            throw FernError.runtime("use \"\(path)\" makes a cycle: \(chain.joined(separator: " uses "))", at: location)
        }
        let source: String
        do {
            source = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            let reason = FileManager.default.fileExists(atPath: file) ? "it is not readable UTF-8 text" : "no such file"
            throw FernError.runtime("cannot use \"\(path)\": \(reason) (looked for \(file))", at: location)
        }
        filesInUse.append(identity)
        let enclosingSource = currentSource
        currentSource = SourceText(text: source, file: file)
        defer {
            currentSource = enclosingSource
            filesInUse.removeLast()
        }
        do {
            _ = try runProgram(source)
        } catch let error as FernError {
            throw error.attached(to: source, file: file)
        }
        usedFiles.insert(identity)
    }

    /// The file's absolute path with links resolved, which names it however it was reached; nil
    /// for `<input>` and other names that are not files.
    static func identity(ofFile file: String) -> String? {
        guard !file.hasPrefix("<") else { return nil }
        return URL(fileURLWithPath: file).standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// `path` as a path to open: absolute as written, else relative to the directory of
    /// `includingFile` (or of the working directory when that is not a file, as `<input>`).
    public static func resolve(_ path: String, from includingFile: String) -> String {
        guard !path.hasPrefix("/"), !includingFile.hasPrefix("<") else { return path }
        let directory = (includingFile as NSString).deletingLastPathComponent
        return directory.isEmpty ? path : (directory as NSString).appendingPathComponent(path)
    }
}

extension VariableUsage {
    /// This usage together with that of the files its `use` statements name, and of the files
    /// those name, read relative to `file` as `use` reads them: their reads, assigns and strings
    /// join this usage's, and each file's content hash goes into `usedFiles` ("-" for a file that
    /// cannot be read or parsed), so a notebook's cell cache sees an edit to a used file.
    public func includingUsedFiles(from file: String) -> VariableUsage {
        var result = self
        func located(_ path: String, from file: String) -> String {
            let resolved = Interpreter.resolve(path, from: file)
            return Interpreter.identity(ofFile: resolved) ?? resolved
        }
        var pending = uses.map { located($0, from: file) }
        while let path = pending.popLast() {
            guard result.usedFiles[path] == nil else { continue }
            guard let source = try? String(contentsOfFile: path, encoding: .utf8),
                  let usage = try? VariableUsage(of: source, file: path) else {
                result.usedFiles[path] = "-"
                continue
            }
            result.usedFiles[path] = ContentHash.of(source)
            result.reads.formUnion(usage.reads)
            result.assigns.formUnion(usage.assigns)
            result.strings.formUnion(usage.strings)
            pending += usage.uses.map { located($0, from: path) }
        }
        return result
    }
}
