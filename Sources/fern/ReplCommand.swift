import ArgumentParser

/// `fern` with no subcommand (being written).
struct Repl: ParsableCommand {
    func run() throws {}
}
