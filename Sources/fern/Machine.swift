import Foundation

/// The machine a figure was measured on.
enum Machine {
    /// "AMD EPYC family 25 model 17" from /proc/cpuinfo, or "unknown".
    static var cpuName: String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown" }
        func field(_ key: String) -> String? {
            text.split(separator: "\n").first { $0.hasPrefix(key) }?
                .split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces)
        }
        let model = field("model name") ?? "unknown"
        return "\(model) family \(field("cpu family") ?? "?") model \(field("model\t") ?? "?")"
    }
}
