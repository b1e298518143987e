import FernData
import FernTensor
import Foundation

/// `csv_load_train_s`: loading train.csv.gz into a data set. Uses the file
/// named by FERN_TRAIN_CSV, else generates one of the same size (28,709
/// rows of random pixels, gzip level 9 as the real file).
enum DataBenchmarks {
    static func csvLoad(time: (() throws -> Void) throws -> Double) throws -> BenchResult {
        let path: String
        if let given = ProcessInfo.processInfo.environment["FERN_TRAIN_CSV"] {
            path = given
        } else {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("fern-bench-train.csv.gz").path
            if !FileManager.default.fileExists(atPath: path) { try generate(rows: 28_709, to: path) }
        }
        let seconds = try time { _ = try Dataset.loadFER(path: path) }
        return BenchResult(name: "csv_load_train_s", value: seconds, unit: "s")
    }

    private static func generate(rows: Int, to path: String) throws {
        var generator = SeededGenerator(seed: 9)
        var text = [UInt8]("label,feature\n".utf8)
        text.reserveCapacity(rows * 9_000)
        for _ in 0..<rows {
            text += Array(String(Int(generator.next() % 7)).utf8)
            text.append(UInt8(ascii: ","))
            for k in 0..<2304 {
                if k > 0 { text.append(UInt8(ascii: " ")) }
                text += Array(String(Int(generator.next() % 256)).utf8)
            }
            text.append(UInt8(ascii: "\n"))
        }
        try GzipFile.writeCompressed(text, to: path, level: 9)
    }
}
