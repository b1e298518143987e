/// Output with the times training prints at the end of each epoch line (the epoch's
/// seconds, and the estimate of the time the remaining epochs take) taken out, so that two
/// runs' outputs compare; also the milliseconds a cell may print at the end of a line.
public func withoutEpochTimes(_ text: String) -> String {
    text.replacing(#/ +[0-9.]+ (ms|s)(  about [0-9:]+ left)?$/#.anchorsMatchLineEndings(), with: "")
}
