@preconcurrency import Glibc  // stdout, a C global, set once before anything runs
import ArgumentParser
import Foundation
import FernTensor

@main
struct Fern: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "fern",
        abstract: "A notebook-like scripting REPL for deep-learning experiments on small images.",
        version: version,
        subcommands: [Repl.self, Run.self, Watch.self, Check.self, Help.self, Bench.self, Train.self, EnsembleCommand.self, Curves.self, Export.self],
        defaultSubcommand: Repl.self
    )

    /// The process-wide choices come first: OpenBLAS's kernels (which may
    /// start fern again) and keeping freed memory (see MemoryReuse). Standard
    /// output goes out a line at a time, also into a file, so a log keeps
    /// warnings (standard error) beside the lines printed before them.
    static func main() {
        relaunchWithFasterBLASKernels()
        setvbuf(stdout, nil, _IOLBF, 0)
        MemoryReuse.keepFreedMemory()
        main(nil)
    }

    /// Some machines set OPENBLAS_CORETYPE to an AVX2 kernel for every program;
    /// on a CPU with full-width AVX-512 units that about halves the speed of
    /// Fern's matrix products (Benchmarks/RESULTS.md). And an OpenBLAS older
    /// than the CPU falls back to its generic SSE3 kernels (Debian 12's on a
    /// 2023 Xeon: 1/6 of the speed). OpenBLAS reads the variable when it
    /// loads, before main, so fern starts itself again once with the kernels
    /// the CPU can run (`BLASKernel.preferredCoreType`), at the cost of a
    /// second start-up. FERN_ISA below avx512 asks for that tier's kernels the
    /// same way. FERN_KEEP_OPENBLAS_CORETYPE=1 keeps the setting.
    private static func relaunchWithFasterBLASKernels() {
        guard let core = BLASKernel.preferredCoreType() else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        setenv("FERN_KEEP_OPENBLAS_CORETYPE", "1", 1)  // never twice
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // Only reached when exec failed: go on with the kernels we have.
    }
}
