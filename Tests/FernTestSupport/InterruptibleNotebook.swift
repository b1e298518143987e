/// A notebook whose second cell runs until it is stopped: for the tests of stop requests
/// (library) and of Ctrl-C in `fern run` (process). Its cell 2 prints "long cell started" first;
/// nothing of cell 3 ("Third", "third cell output") may appear in a report of an interrupted run.
public enum InterruptibleNotebook {
    public static let text = """
        #%% md
        # Interrupted

        #%% First
        print("first cell output", 6 * 7)

        #%% cache  Long
        print("long cell started")
        total = 0
        for i in range(1e12) {
            total = total + 1
        }

        #%% Third
        print("third cell output")
        """
}
