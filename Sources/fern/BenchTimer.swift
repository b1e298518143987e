import Foundation

/// The benchmark protocol of Benchmarks/RESULTS.md: warm up 3 steps, then 3 repeats
/// of at least 10 steps or 2 seconds each; the median seconds per step.
enum BenchTimer {
    static func secondsPerStep(warmup: Int = 3, repeats: Int = 3, minSteps: Int = 10,
                               minSeconds: Double = 2, _ step: () throws -> Void) rethrows -> Double {
        for _ in 0..<warmup { try step() }
        var perStep: [Double] = []
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            var steps = 0
            var elapsed = 0.0
            while steps < minSteps || elapsed < minSeconds {
                try step()
                steps += 1
                elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            }
            perStep.append(elapsed / Double(steps))
        }
        return perStep.sorted()[perStep.count / 2]
    }
}

/// One line of `fern bench` output: `{"name": ..., "value": ..., "unit": ...}`.
struct BenchResult {
    let name: String
    let value: Double
    let unit: String

    func printLine() {
        let rounded = (value * 100).rounded() / 100
        print("{\"name\": \"\(name)\", \"value\": \(rounded), \"unit\": \"\(unit)\"}")
        fflush(nil)
    }
}
