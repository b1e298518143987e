import ArgumentParser

/// `fern run FILE.fernb` (being written).
struct Run: ParsableCommand {
    func run() throws {}
}
