import CZlib
import Foundation

/// Reads whole files, inflating gzip-compressed ones on the way; zlib passes
/// plain files through unchanged, so callers need not look at the name.
public enum GzipFile {
    /// The (decompressed) bytes of the file at `path`.
    public static func read(path: String) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw DataError("cannot read \(path): \(String(cString: strerror(errno)))") }
        let expected: Int
        do {
            expected = try expectedSize(descriptor, path: path)
        } catch {
            close(descriptor)
            throw error
        }
        // gzdopen owns the descriptor from here on: gzclose closes it.
        guard let file = gzdopen(descriptor, "rb") else {
            close(descriptor)
            throw DataError("cannot read \(path): zlib could not open it")
        }
        gzbuffer(file, 1 << 20)
        var failure: DataError?
        var bytes = [UInt8](unsafeUninitializedCapacity: expected) { buffer, initialized in
            initialized = 0
            while initialized < buffer.count {
                let wanted = UInt32(min(buffer.count - initialized, 1 << 30))
                let got = gzread(file, buffer.baseAddress! + initialized, wanted)
                if got <= 0 {
                    if got < 0 { failure = streamError(file, path: path) }
                    break
                }
                initialized += Int(got)
            }
        }
        // The size hint is exact for plain files and single-member gzip files
        // under 4 GiB; anything else (more members, a larger file) lands here.
        if failure == nil && bytes.count == expected {
            var chunk = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let got = chunk.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
                if got < 0 { failure = streamError(file, path: path) }
                if got <= 0 { break }
                bytes.append(contentsOf: chunk[..<Int(got)])
            }
        }
        if failure == nil { failure = streamError(file, path: path) }
        let closed = gzclose_r(file)
        if let failure { throw failure }
        guard closed == Z_OK else { throw DataError("cannot read \(path): the compressed data is truncated or corrupt") }
        return bytes
    }

    /// The file's size, or for a gzip file the uncompressed size from its
    /// trailer (modulo 4 GiB, capped at deflate's best ratio so a corrupt
    /// trailer cannot ask for absurd memory), plus one byte so the read that
    /// finds the end still fits without growing the buffer.
    private static func expectedSize(_ descriptor: Int32, path: String) throws -> Int {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw DataError("cannot read \(path): \(String(cString: strerror(errno)))") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw DataError("cannot read \(path): not a regular file") }
        let size = Int(info.st_size)
        var magic: (UInt8, UInt8) = (0, 0)
        var trailer: UInt32 = 0
        guard size >= 18, pread(descriptor, &magic, 2, 0) == 2, magic == (0x1f, 0x8b),
              pread(descriptor, &trailer, 4, off_t(size - 4)) == 4 else { return size + 1 }
        return min(Int(UInt32(littleEndian: trailer)), size * 1032) + 1
    }

    /// The stream's error, if zlib recorded one (corrupt data, unexpected end).
    private static func streamError(_ file: gzFile, path: String) -> DataError? {
        var code: Int32 = Z_OK
        let text = gzerror(file, &code).map { String(cString: $0) } ?? ""
        guard code != Z_OK else { return nil }
        switch code {
        case Z_ERRNO: return DataError("cannot read \(path): \(String(cString: strerror(errno)))")
        case Z_BUF_ERROR: return DataError("cannot read \(path): the compressed data ends early (truncated file)")
        default: return DataError("cannot read \(path): the compressed data is corrupt (\(text))")
        }
    }
}

extension GzipFile {
    /// Writes `bytes` gzip-compressed to `path`, through a temporary file
    /// renamed into place so a reader never sees half a file.
    public static func writeCompressed(_ bytes: [UInt8], to path: String, level: Int = 6) throws {
        let temporary = path + ".\(ProcessInfo.processInfo.processIdentifier).tmp"
        guard let file = gzopen(temporary, "wb\(min(max(level, 1), 9))") else {
            throw DataError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        var written = 0
        while written < bytes.count {
            let chunk = UInt32(min(bytes.count - written, 1 << 30))
            let n = bytes.withUnsafeBufferPointer { gzwrite(file, $0.baseAddress! + written, chunk) }
            guard n > 0 else { break }
            written += Int(n)
        }
        let closed = gzclose(file)
        guard written == bytes.count, closed == Z_OK, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw DataError("cannot write \(path): compression or rename failed")
        }
    }
}
