import Testing
@testable import FernREPL

@Suite struct MetaCommandTests {
    @Test func testEachCommandParses() throws {
        #expect(try MetaCommand(parsing: ":help") == .help(nil))
        #expect(try MetaCommand(parsing: ":help fit") == .help("fit"))
        #expect(try MetaCommand(parsing: ":vars") == .vars)
        #expect(try MetaCommand(parsing: ":time  sum(ones([3]))  ") == .time("sum(ones([3]))"))
        #expect(try MetaCommand(parsing: ":load notebooks/hw3.fernb") == .load("notebooks/hw3.fernb"))
        #expect(try MetaCommand(parsing: ":reset") == .reset)
        #expect(try MetaCommand(parsing: "  :quit") == .quit)
    }

    @Test func testUniquePrefixesAndExitAreAccepted() throws {
        #expect(try MetaCommand(parsing: ":q") == .quit)
        #expect(try MetaCommand(parsing: ":exit") == .quit)
        #expect(try MetaCommand(parsing: ":h") == .help(nil))
        #expect(try MetaCommand(parsing: ":l a.fern") == .load("a.fern"))
    }

    @Test func testLoadPathMayBeQuoted() throws {
        #expect(try MetaCommand(parsing: ":load \"my notes.fernb\"") == .load("my notes.fernb"))
    }

    @Test func testUnknownCommandListsTheCommands() {
        #expect(throws: MetaCommandError.self) { try MetaCommand(parsing: ":frobnicate") }
        do {
            _ = try MetaCommand(parsing: ":frobnicate")
        } catch {
            #expect(error.description.contains("unknown command ':frobnicate'"))
            #expect(error.description.contains(":help, :vars, :time, :load, :display, :reset, :quit"))
        }
    }

    @Test func testMissingOrUnexpectedArgumentsAreErrors() {
        #expect(throws: MetaCommandError.self) { try MetaCommand(parsing: ":time") }
        #expect(throws: MetaCommandError.self) { try MetaCommand(parsing: ":load") }
        #expect(throws: MetaCommandError.self) { try MetaCommand(parsing: ":reset everything") }
    }

    @Test func testHelpTextListsEveryCommand() {
        for spec in MetaCommand.specs { #expect(MetaCommand.helpText.contains(spec.usage)) }
    }
}
