import FernLang

/// The prompt's Ctrl-C is the one `fern run` uses: FernLang's handler, which
/// records the press for `Interpreter.shouldStop` and wakes the line editor.
typealias Interrupts = FernLang.Interrupts
