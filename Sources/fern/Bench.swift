import ArgumentParser
import FernTensor

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure Fern's kernels; prints one JSON object per line.")

    func run() throws {
    }
}
