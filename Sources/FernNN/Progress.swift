import Foundation

/// Training progress for a person: a live one-line bar on a terminal
/// (redrawn at most ten times a second), one plain line per epoch otherwise,
/// so CI logs never flood.
public final class ProgressReporter {
    public enum Style: Sendable { case live, epochLines, silent }

    public let style: Style
    private let write: (String) -> Void
    private var lastDraw = 0.0
    private var epochStart = 0.0

    public init(style: Style, write: @escaping (String) -> Void) {
        self.style = style
        self.write = write
    }

    /// Live on a terminal (standard error), epoch lines on standard output otherwise.
    public static func automatic() -> ProgressReporter {
        if isatty(STDERR_FILENO) != 0 {
            return ProgressReporter(style: .live) { FileHandle.standardError.write(Data($0.utf8)) }
        }
        return ProgressReporter(style: .epochLines) { text in print(text, terminator: ""); fflush(nil) }
    }

    func beginEpoch() {
        epochStart = now()
        lastDraw = 0
    }

    func batch(epoch: Int, of epochs: Int, batch: Int, of batches: Int, loss: Float, accuracy: Float, images: Int) {
        guard style == .live else { return }
        let t = now()
        guard batch == batches || t - lastDraw >= 0.1 else { return }
        lastDraw = t
        let elapsed = max(t - epochStart, 1e-9)
        let eta = elapsed / Double(batch) * Double(batches - batch)
        let width = 20, filled = width * batch / max(batches, 1)
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        write("\r\u{1B}[2KEpoch \(epoch)/\(epochs) \(bar) \(batch)/\(batches)  loss \(fmt(loss, 4))  acc \(fmt(accuracy, 3))  "
              + "\(Int(Double(images) / elapsed)) img/s  ETA \(clock(eta))")
    }

    func endEpoch(_ line: String) {
        switch style {
        case .live: write("\r\u{1B}[2K" + line + "\n")
        case .epochLines: write(line + "\n")
        case .silent: break
        }
    }

    private func now() -> Double { RunningClock.now() }
}

func fmt(_ value: Float, _ digits: Int) -> String {
    String(format: "%.\(digits)f", Double(value))
}

/// 75 → "1:15".
func clock(_ seconds: Double) -> String {
    guard seconds.isFinite else { return "?" }
    let s = Int(seconds.rounded())
    return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
}
