import ArgumentParser

/// `fern check FILE.fernb` (being written).
struct Check: ParsableCommand {
    func run() throws {}
}
