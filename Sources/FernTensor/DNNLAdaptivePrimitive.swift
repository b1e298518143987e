import CDNNL
import Foundation

extension DNNL {
    /// A primitive made for every thread and, beside it, the same made for one
    /// thread, run as `ThreadingChoice` picks: some of oneDNN's kernels (the AMX
    /// filter gradients among them) make their threads spin-wait for each other,
    /// which another busy process on the cores makes many times slower.
    ///
    /// The one-thread twin is kept only where it gives the same bits (`keepOneThread`):
    /// a run's results must not depend on what else ran beside it.
    final class AdaptivePrimitive {
        let everyThread: Primitive
        private(set) var oneThread: Primitive?
        private var choice = ThreadingChoice()

        /// The primitive of `pd` (which the caller keeps and destroys) and a twin from the
        /// descriptor `makeTwin` makes (if any) with teams limited to one thread, dropped
        /// unless it reads and writes the memory `layouts` name as `pd` does.
        init?(_ pd: const_dnnl_primitive_desc_t, context: Context, layouts: [dnnl_query_t] = [],
              twin makeTwin: () -> dnnl_primitive_desc_t? = { nil }) {
            guard let everyThread = Primitive(pd, context) else { return nil }
            self.everyThread = everyThread
            guard OpenMP.maxThreads > 1 else { return }
            oneThread = OpenMP.withMaxThreads(1) {
                guard let twin = makeTwin() else { return nil }
                defer { dnnl_primitive_desc_destroy(twin) }
                let same = layouts.allSatisfy { what in
                    var (mine, theirs) = (DNNL.query(twin, what), DNNL.query(pd, what))
                    return dnnl_memory_desc_equal(&mine, &theirs) != 0
                }
                return same ? Primitive(twin, context) : nil
            }
        }

        /// Keeps the one-thread twin only if `run`, which executes the primitive it is given
        /// on values drawn at random and returns every output, gives the same bits with
        /// both. (Where threads split a sum, they add in another order, and nearly every
        /// output differs in its last bits; where they split the outputs, each thread sums
        /// as one thread does.)
        func keepOneThread(ifSameResults run: (Primitive) -> [[Float]]) {
            guard let oneThread else { return }
            if run(everyThread) != run(oneThread) { self.oneThread = nil }
        }

        /// Runs one of the two, as `ThreadingChoice` picks; returns which.
        @discardableResult
        func execute(_ arguments: [(Int32, dnnl_memory_t)], context: Context) -> ThreadingChoice.Version {
            guard let oneThread else {
                context.execute(everyThread, arguments)
                return .everyThread
            }
            let version = choice.next()
            let start = DispatchTime.now().uptimeNanoseconds
            context.execute(version == .oneThread ? oneThread : everyThread, arguments)
            choice.record(version, seconds: Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
            return version
        }
    }

    /// `count` values drawn from [-0.5, 0.5) (`plus` added), the same for the same seed:
    /// inputs for `AdaptivePrimitive.keepOneThread`.
    static func randomValues(_ count: Int, seed: UInt64, plus offset: Float = 0) -> [Float] {
        var random = SeededGenerator(seed: seed)
        return (0..<count).map { _ in random.nextUnitFloat() - 0.5 + offset }
    }
}
