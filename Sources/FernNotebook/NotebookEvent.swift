/// What a program driving a run (`fern watch`) learns as the run goes.
/// Sent on the thread that called `NotebookRunner.run()`.
public enum NotebookEvent: Sendable {
    /// A cell is about to run (a markdown cell too, which ends at once).
    case cellStarted(NotebookFile.Cell)
    /// A cell ended; the outcome is the one the report shows (`error` set
    /// when it failed or a stop request cut it short, then `interrupted`).
    case cellFinished(CellOutcome)
    /// The run ended and its reports are written. Not sent when `run()`
    /// throws instead (a bad `-p`, an output folder that cannot be written).
    case runFinished(NotebookRun)
}

/// How a running notebook is asked to stop (`NotebookRunOptions.shouldStop`).
public enum StopRequest: Sendable, Equatable, Comparable {
    /// Let the running cell finish, then stop before the next one.
    case afterCell
    /// Stop the running cell at its next check (a loop iteration, a call,
    /// a training batch), as Ctrl-C does; the cell is reported interrupted,
    /// with the output it had produced, and is not cached.
    case now
}
