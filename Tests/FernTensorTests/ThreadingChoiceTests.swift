import FernTestSupport
import Testing
@testable import FernTensor

/// The choice between a oneDNN primitive on every thread and its twin on one
/// (`ThreadingChoice`), driven by scripted times, and the twins themselves:
/// the same bits as every thread, and the definition.
@Suite struct ThreadingChoiceTests {
    typealias Version = ThreadingChoice.Version

    /// Runs `calls` calls through `choice`, each taking `seconds(call, version)`; returns the versions run.
    static func run(_ calls: Range<Int>, _ choice: inout ThreadingChoice,
                    seconds: (Int, Version) -> Double) -> [Version] {
        calls.map { call in
            let version = choice.next()
            choice.record(version, seconds: seconds(call, version))
            return version
        }
    }

    /// Free cores: every thread 20 ms, one thread 40 ms. Beside another busy process:
    /// every thread 500 ms (threads spin-waiting for a descheduled partner), one thread 60 ms.
    static func seconds(contended: Bool, _ version: Version) -> Double {
        switch (contended, version) {
        case (false, .everyThread): 0.020
        case (false, .oneThread): 0.040
        case (true, .everyThread): 0.500
        case (true, .oneThread): 0.060
        }
    }

    @Test func onFreeCoresEveryThreadRunsAndOneThreadIsTriedEverLessOften() {
        var choice = ThreadingChoice()
        let versions = Self.run(0..<2000, &choice) { Self.seconds(contended: false, $1) }
        let trials = versions.indices.filter { versions[$0] == .oneThread }
        // The second call, then after 16, 32, ... calls, at most 256 apart.
        #expect(trials.first == 1)
        #expect(trials.count >= 2000 / ThreadingChoice.longestTrialInterval && trials.count <= 14, "\(trials)")
        let gaps = zip(trials.dropFirst(), trials).map { $0 - $1 }
        #expect(gaps == gaps.sorted() && gaps.allSatisfy { $0 <= ThreadingChoice.longestTrialInterval + 1 }, "\(gaps)")
        #expect(choice.chosen == .everyThread)
    }

    @Test func anotherBusyProcessSwitchesToOneThreadAtOnceAndItsEndSwitchesBack() {
        var choice = ThreadingChoice()
        _ = Self.run(0..<600, &choice) { Self.seconds(contended: false, $1) }
        // Contention starts: the first slow call is the last on every thread, but for trials.
        let contended = Self.run(600..<2600, &choice) { Self.seconds(contended: true, $1) }
        #expect(contended[0] == .everyThread && contended[1] == .oneThread)
        let trials = contended.dropFirst().filter { $0 == .everyThread }.count
        #expect(trials >= 2000 / ThreadingChoice.longestTrialInterval && trials <= 14, "\(trials) trials of every thread")
        let contendedCost = zip(600..., contended).map { Self.seconds(contended: true, $1) }.reduce(0, +)
        #expect(contendedCost < 2000 * 0.060 * 1.1, "trials cost under 10%: \(contendedCost) s")

        // The other process ends: every thread again by the next trial.
        let free = Self.run(2600..<3200, &choice) { Self.seconds(contended: false, $1) }
        let back = free.firstIndex(of: .everyThread)
        #expect(back != nil && back! <= ThreadingChoice.longestTrialInterval + 1)
        #expect(free[(back ?? 0)...].dropFirst().filter { $0 == .oneThread }.count <= 6)
        #expect(choice.chosen == .everyThread)
    }

    @Test func oneSlowCallOnFreeCoresCostsAtMostOneTrialInterval() {
        var choice = ThreadingChoice()
        let versions = Self.run(0..<400, &choice) { call, version in
            call == 200 ? 0.045 : Self.seconds(contended: false, version)  // preempted once
        }
        let afterIt = versions[201...].prefix(ThreadingChoice.firstTrialInterval + 2)
        #expect(afterIt.contains(.everyThread), "back to every thread after one trial")
        #expect(versions[230...].filter { $0 == .oneThread }.count <= 3)
    }

    @Test func anOverrideForcesTheVersionAndLeavesTheChoiceAlone() {
        var choice = ThreadingChoice()
        let forced = ThreadingChoice.$override.withValue(.oneThread) {
            Self.run(0..<50, &choice) { Self.seconds(contended: true, $1) }
        }
        #expect(forced.allSatisfy { $0 == .oneThread })
        #expect(choice.chosen == .everyThread)
        #expect(Self.run(0..<1, &choice) { Self.seconds(contended: false, $1) } == [.everyThread])
    }

    // MARK: The one-thread primitive

    struct Layer: CustomStringConvertible, Sendable {
        var batch: Int, side: Int, inChannels: Int, outChannels: Int, precision: ConvolutionPrecision
        var description: String { "\(precision) \(batch)x\(side)x\(side)x\(inChannels) → \(outChannels)" }
    }

    /// The filter gradient with each version forced; the convolution, for its count of one-thread runs.
    static func filterGradients(_ layer: Layer, seed: UInt64) throws -> (every: [Float], one: [Float], x: Tensor, dy: Tensor,
                                                                       conv: DNNLConvolution)? {
        let g = try WindowGeometry(op: "conv2d", input: [layer.batch, layer.side, layer.side, layer.inChannels],
                                   kernel: (3, 3), stride: (1, 1), padding: .same)
        guard let conv = DNNLConvolution.make(g, outChannels: layer.outChannels, precision: layer.precision) else { return nil }
        let x = try randomTensor([layer.batch, layer.side, layer.side, layer.inChannels], seed: seed)
        let dy = try randomTensor([layer.batch, layer.side, layer.side, layer.outChannels], seed: seed + 1)
        func run(_ version: Version) -> [Float] {
            ThreadingChoice.$override.withValue(version) {
                PinnedScalars.outputs([9 * layer.inChannels * layer.outChannels], reading: [x.scalars, dy.scalars]) { i, o in
                    conv.backwardWeights(i[0], i[1], o[0])
                }[0]
            }
        }
        return (run(.everyThread), run(.oneThread), x, dy, conv)
    }

    /// Whichever version runs, the filter gradient has the same bits (a run's results
    /// must not depend on another process), and it is the definition (bf16: on operands
    /// rounded to bf16). Geometries no other test uses.
    @Test(arguments: [Layer(batch: 3, side: 9, inChannels: 32, outChannels: 40, precision: .f32),
                      Layer(batch: 2, side: 4, inChannels: 256, outChannels: 256, precision: .f32),
                      Layer(batch: 3, side: 9, inChannels: 32, outChannels: 48, precision: .bf16),
                      Layer(batch: 2, side: 4, inChannels: 256, outChannels: 272, precision: .bf16)])
    func eitherVersionGivesTheSameBitsAndTheDefinition(layer: Layer) throws {
        guard let (every, one, x, dy, conv) = try Self.filterGradients(layer, seed: 51) else {
            print("filter gradient threading: no oneDNN \(layer.precision) kernels here (\(DNNL.effectiveISA))")
            return
        }
        #expect(every == one, "\(layer): \(conv.filterGradientsOnOneThread) one-thread runs (\(conv.implementation))")
        let read = layer.precision == .bf16 ? (BFloat16ConvolutionTests.rounded(x), BFloat16ConvolutionTests.rounded(dy)) : (x, dy)
        let w = try Tensor(shape: [3, 3, layer.inChannels, layer.outChannels], scalars: every)
        let expected = ConvolutionTests.referenceConvBackwardWithBounds(read.0, w, read.1, stride: (1, 1), padding: .same)
        ConvolutionTests.expectClose(w, expected.dw, within: expected.dwBounds, "\(layer) filter gradient")
    }

    /// The two filter gradients of the VGG variant that spin-waiting made 20-40x slower
    /// beside another process (oneDNN's AMX kernels split their output channels between
    /// the threads) have a one-thread version wherever AMX runs them on several threads.
    @Test func theVGGLayersThatSpinGetAOneThreadVersionOnAMX() throws {
        guard DNNL.effectiveISA == "avx512_core_amx", OpenMP.maxThreads > 1 else {
            print("filter gradient threading: AMX on several threads not here (\(DNNL.effectiveISA), \(OpenMP.maxThreads) threads)")
            return
        }
        for layer in [Layer(batch: 64, side: 6, inChannels: 512, outChannels: 512, precision: .bf16),
                      Layer(batch: 64, side: 12, inChannels: 256, outChannels: 256, precision: .bf16)] {
            guard let (every, one, _, _, conv) = try Self.filterGradients(layer, seed: 61) else {
                Issue.record("\(layer): no bf16 kernels on AMX")
                continue
            }
            #expect(every == one, "\(layer)")
            #expect(conv.filterGradientsOnOneThread >= 1, "\(layer) ran on one thread when forced (\(conv.implementation))")
        }
    }
}
