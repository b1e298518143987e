import Foundation

/// Where the REPL and scripts save the figures they show: `fern-figures/figure-N.png`,
/// or `fern-figures/NAME.png` for a figure the program named. Numbering
/// continues after the figures already there, so a new session never
/// overwrites an earlier one's. The folder is made on the first save, not
/// at start-up.
public final class FigureFolder {
    public let path: String
    private var lastNumber: Int?

    public init(path: String) {
        self.path = path
    }

    /// The file to write the next figure to, creating the folder if needed.
    public func nextPath(named name: String?) throws -> String {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        if let name {
            let file = name.contains(".") ? name : name + ".png"
            return name.hasPrefix("/") ? file : (path as NSString).appendingPathComponent(file)
        }
        let number = (lastNumber ?? highestNumberInFolder()) + 1
        lastNumber = number
        return (path as NSString).appendingPathComponent("figure-\(number).png")
    }

    private func highestNumberInFolder() -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.compactMap { name -> Int? in
            guard name.hasPrefix("figure-"), let dot = name.lastIndex(of: ".") else { return nil }
            return Int(name[name.index(name.startIndex, offsetBy: 7)..<dot])
        }.max() ?? 0
    }
}
