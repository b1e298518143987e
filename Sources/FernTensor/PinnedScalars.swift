/// Pins Fern's scalar arrays and makes new ones for C kernels that read and
/// write memory through pointers.
enum PinnedScalars {
    /// Stands in for the address of an empty array (which has none); never read or written.
    nonisolated(unsafe) private static let emptyArray = UnsafeMutablePointer<Float>.allocate(capacity: 16)

    /// New arrays of `outputCounts` elements, written by `body`, which gets the
    /// addresses of `inputs` and of the new arrays (oneDNN's and the Winograd
    /// kernels read and write Fern's arrays through them). `body` must write
    /// every output element.
    static func outputs(_ outputCounts: [Int], reading inputs: [[Float]],
                        _ body: ([UnsafePointer<Float>], [UnsafeMutablePointer<Float>]) -> Void) -> [[Float]] {
        func pinInputs(_ index: Int, _ ins: [UnsafePointer<Float>]) -> [[Float]] {
            guard index < inputs.count else { return makeOutputs(0, ins, []) }
            return inputs[index].withUnsafeBufferPointer { pinInputs(index + 1, ins + [$0.baseAddress ?? UnsafePointer(emptyArray)]) }
        }
        // Each output array is made inside the initializer of the one before, so all are pinned at once.
        func makeOutputs(_ index: Int, _ ins: [UnsafePointer<Float>], _ outs: [UnsafeMutablePointer<Float>]) -> [[Float]] {
            guard index < outputCounts.count else {
                body(ins, outs)
                return []
            }
            var inner: [[Float]] = []
            let made = [Float](unsafeUninitializedCapacity: outputCounts[index]) { buffer, initialized in
                inner = makeOutputs(index + 1, ins, outs + [buffer.baseAddress ?? emptyArray])
                initialized = outputCounts[index]
            }
            return [made] + inner
        }
        return pinInputs(0, [])
    }
}
