import ArgumentParser

@main
struct Fern: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "fern",
        abstract: "A notebook-like scripting REPL for deep-learning experiments on small images.",
        version: version,
        subcommands: [Repl.self, Run.self, Check.self, Help.self, Bench.self, Train.self, Curves.self],
        defaultSubcommand: Repl.self
    )
}
