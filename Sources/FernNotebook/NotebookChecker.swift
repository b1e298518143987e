import FernLang

extension NotebookFile {
    /// Parses every code and parameters cell without running anything and
    /// returns the syntax error of each cell that has one, located at the
    /// notebook file's line.
    public func syntaxErrors() -> [CellFailure] {
        let interpreter = Interpreter(output: { _ in })
        return cells.filter { $0.kind != .markdown }.compactMap { cell in
            do {
                try interpreter.check(String(repeating: "\n", count: max(0, cell.firstLine - 1)) + cell.source, file: path)
                return nil
            } catch let error as FernError {
                return CellFailure(notebookPath: path, cellNumber: cell.number, line: error.location?.line,
                                   message: error.description)
            } catch {
                return CellFailure(notebookPath: path, cellNumber: cell.number, line: nil, message: "\(path): error: \(error)")
            }
        }
    }
}
