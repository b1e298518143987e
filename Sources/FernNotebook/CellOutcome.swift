/// What running one cell produced, as the reports show it.
public struct CellOutcome: Sendable {
    public var cell: NotebookFile.Cell
    /// Everything the cell printed (and its last value, as the REPL shows it).
    public var output = ""
    /// Figure files written into the output folder, by file name, in order.
    public var figures: [String] = []
    public var seconds = 0.0
    /// What the cache did for a `cache` cell: reused, re-ran and why, or could not store.
    public var cacheNote: String?
    /// The error that stopped the run in this cell, rendered with line and
    /// caret; for an interrupted cell, where it stopped ("interrupted at line 14").
    public var error: String?
    /// True when a stop request (Ctrl-C, a watcher) cut this cell short.
    public var interrupted = false
    /// False when the cell's results came from the cache instead of running it.
    public var ran = true

    public init(cell: NotebookFile.Cell) {
        self.cell = cell
    }
}

/// A parameter as the run used it.
public struct ParameterValue: Sendable, Equatable {
    public var name: String
    /// The value as Fern source, e.g. `3` or `"data/train.csv"`.
    public var value: String
    /// Whether `-p` set it.
    public var overridden: Bool

    public init(name: String, value: String, overridden: Bool) {
        (self.name, self.value, self.overridden) = (name, value, overridden)
    }
}
