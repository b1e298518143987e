import Testing
@testable import FernTensor

@Suite struct AutodiffTests {
    @Test func gradientAccumulatesWhenATensorIsUsedTwice() throws {
        let x = try Tensor(shape: [3], scalars: [1, 2, 3]).requiringGrad()
        // d/dx Σ (x·x + x) = 2x + 1
        let y = try (x * x + x).sum()
        let (g) = try gradients(of: y, wrt: [x])[0]
        #expect(g.scalars == [3, 5, 7])
    }

    @Test func gradientOfNonScalarIsAnErrorNamingTheShape() throws {
        let x = try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]).requiringGrad()
        #expect(throws: TensorError.self) { try gradients(of: x.exp(), wrt: [x]) }
        do { _ = try gradients(of: x.exp(), wrt: [x]) } catch let e as TensorError {
            #expect(e.description.contains("[2, 2]"))
            #expect(e.description.contains("gradients"))
        }
    }

    @Test func noGradientModeRecordsNothing() throws {
        let x = try Tensor(shape: [2], scalars: [1, 2]).requiringGrad()
        let y = try GradientMode.withoutGradients { try (x * x).sum() }
        #expect(!y.requiresGrad)
        #expect(try (x * x).sum().requiresGrad)
    }

    @Test func unrelatedInputGetsZeroGradient() throws {
        let x = try Tensor(shape: [2], scalars: [1, 2]).requiringGrad()
        let z = try Tensor(shape: [3], scalars: [1, 2, 3]).requiringGrad()
        let g = try gradients(of: (x * x).sum(), wrt: [x, z])
        #expect(g[1].scalars == [0, 0, 0])
    }

    @Test func deepChainDoesNotOverflowTheStack() throws {
        let x = try Tensor(shape: [1], scalars: [1]).requiringGrad()
        var y = x
        for _ in 0..<20_000 { y = try y + 1 }
        #expect(try gradients(of: y.sum(), wrt: [x])[0].scalars == [1])
    }
}
