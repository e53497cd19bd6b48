import OrbitCurvature
import OrbitData
import OrbitNetworks
import OrbitNumerics
import Testing

/// Lanczos, Hutchinson, stochastic Lanczos quadrature and block curvature against Hessians known
/// exactly: explicit quadratic models, and a small network's Hessian built column by column.
@Suite struct SpectrumTests {
    /// The quadratic model L(θ) = ½·θᵀ·A·θ has Hessian A; A = Q·diag(λ)·Qᵀ with known λ.
    static func quadratic(eigenvalues: [Double], seed: UInt64) -> (ParameterLayout, Matrix<Double>) {
        let p = eigenvalues.count
        var g = SeededGenerator(seed: seed)
        let q = try! QRDecomposition(Matrix<Double>.normal(rows: p, columns: p, generator: &g)).q
        var a = Matrix<Double>(rows: p, columns: p)
        for i in 0..<p {
            for j in 0..<p {
                var s = 0.0
                for k in 0..<p { s += q[i, k] * eigenvalues[k] * q[j, k] }
                a[i, j] = s
            }
        }
        return (ParameterLayout([("w", [p])]), a)
    }

    static func multiply(_ a: Matrix<Double>, _ v: ParameterVector<Double>) -> ParameterVector<Double> {
        let x = v.flat
        let p = x.count
        return ParameterVector(
            layout: v.layout, flat: (0..<p).map { i in (0..<p).reduce(0) { $0 + a[i, $1] * x[$1] } })
    }

    @Test func lanczosFindsTheTopEigenvaluesOfAQuadratic() throws {
        let eigenvalues = (0..<60).map { Double($0) * 0.1 - 1 } + [50, 20, 10]
        let (layout, a) = Self.quadratic(eigenvalues: eigenvalues, seed: 4)
        var g = SeededGenerator(seed: 1)
        let start = HutchinsonTrace.gaussian(layout: layout, as: Double.self, using: &g)
        let result = try Lanczos.run(
            start: start, steps: 40, topK: 3, tolerance: 1e-10, vectors: true, explicitResiduals: true
        ) { v throws(CurvatureError) in Self.multiply(a, v) }
        #expect(result.pairs.map(\.value).count == 3)
        for (pair, expected) in zip(result.pairs, [50.0, 20, 10]) {
            #expect(abs(pair.value - expected) < 1e-7, "\(pair.value) vs \(expected)")
            #expect(pair.residual < 1e-6)
            // The error bar holds: |θ − λ| ≤ residual.
            #expect(abs(pair.value - expected) <= pair.residual + 1e-9)
            let u = pair.vector!
            #expect(abs(u.norm - 1) < 1e-10)
        }
        #expect(result.converged)
    }

    @Test func hutchinsonIsWithinItsErrorBarOfTheTrace() throws {
        let eigenvalues = (0..<40).map { Double($0 % 7) - 2 }
        let (layout, a) = Self.quadratic(eigenvalues: eigenvalues, seed: 6)
        let result = try HutchinsonTrace.estimate(layout: layout, probes: 200, seed: 3) {
            (v: ParameterVector<Double>) throws(CurvatureError) in Self.multiply(a, v)
        }
        let exact = eigenvalues.reduce(0, +)
        #expect(result.trace.draws == 200)
        #expect(result.trace.standardError > 0 && result.trace.standardError.isFinite)
        #expect(abs(result.trace.value - exact) < 4 * result.trace.standardError)
    }

    @Test func topKBeyondStepsIsAnError() throws {
        let layout = ParameterLayout([("w", [5])])
        #expect(throws: CurvatureError.topKExceedsSteps(k: 4, steps: 3)) {
            _ = try Lanczos.run(
                start: ParameterVector<Double>(layout: layout, repeating: 1), steps: 3, topK: 4
            ) { v throws(CurvatureError) in v }
        }
    }

    @Test func samplesBeyondTheSplitAreAnError() throws {
        let network = try Network(parsing: "mlp:3-4-2:tanh")
        let split = CurvatureFixtures.split(network: network, samples: 10, loss: .softmaxCrossEntropy, seed: 1)
        #expect(throws: CurvatureError.tooManySamples(requested: 11, available: 10, split: "train")) {
            _ = try split.curvatureSamples(count: 11, seed: nil)
        }
        #expect(try split.curvatureSamples(count: 4, seed: nil) == split.prefix(4))
        let drawn = try split.curvatureSamples(count: 4, seed: 7)
        #expect(drawn.count == 4)
        #expect(try split.curvatureSamples(count: 4, seed: 7) == drawn)
    }

    /// On a small network: the Hessian assembled from products is symmetric; its LAPACK eigenvalues
    /// match Lanczos' top-k; its trace matches Hutchinson within a few standard errors and the block
    /// traces; each block's LAPACK top eigenvalue matches the block Lanczos.
    @Test(arguments: ["mlp:4-5-3:tanh", "resmlp:3-4x2-2:gelu", "mlp:4-6-3:relu"])
    func fullHessianAgreesWithEveryEstimator(_ description: String) throws {
        let network = try Network(parsing: description)
        let split = CurvatureFixtures.split(network: network, samples: 40, loss: .softmaxCrossEntropy, seed: 12)
        let theta = CurvatureFixtures.parameters(network, seed: 13)
        let op = try HessianOperator(
            network: network, parameters: theta, samples: split, loss: .softmaxCrossEntropy, batchSize: 16)
        let h = try CurvatureFixtures.fullHessian(op)
        let p = h.rows
        let (asymmetry, scale) = CurvatureFixtures.asymmetry(h)
        #expect(asymmetry <= 1e-12 * scale, "asymmetry \(asymmetry)")
        let exact = try SymmetricEigendecomposition(h).eigenvalues.reversed().map { $0 }
        let apply = { (v: ParameterVector<Double>) throws(CurvatureError) in try op.apply(v) }
        let lanczos = try Lanczos.run(
            start: CurvatureFixtures.direction(network.layout, seed: 1), steps: p, topK: 3, tolerance: 1e-10,
            vectors: true, explicitResiduals: true, apply)
        for (pair, expected) in zip(lanczos.pairs, exact) {
            #expect(abs(pair.value - expected) < 1e-8 * max(1, abs(exact[0])), "\(pair.value) vs \(expected)")
            #expect(pair.residual < 1e-6 * max(1, abs(exact[0])))
        }
        let trace = (0..<p).reduce(0) { $0 + h[$1, $1] }
        let hutchinson = try HutchinsonTrace.estimate(layout: network.layout, probes: 100, seed: 5, apply)
        #expect(abs(hutchinson.trace.value - trace) < 4 * hutchinson.trace.standardError)
        let blockSum = hutchinson.blockTraces.reduce(0) { $0 + $1.trace.value }
        #expect(abs(blockSum - hutchinson.trace.value) < 1e-9 * max(1, abs(trace)))
        let blocks = try BlockCurvature.estimate(
            layout: network.layout, steps: 60, seed: 2, tolerance: 1e-10, traces: hutchinson, apply)
        for (block, spec) in zip(blocks, network.layout.tensors) {
            var sub = Matrix<Double>(rows: spec.count, columns: spec.count)
            var blockTrace = 0.0
            for i in 0..<spec.count {
                blockTrace += h[spec.offset + i, spec.offset + i]
                for j in 0..<spec.count { sub[i, j] = h[spec.offset + i, spec.offset + j] }
            }
            let top = try SymmetricEigendecomposition(sub).eigenvalues.last!
            #expect(abs(block.topEigenvalue - top) < 1e-7 * max(1, abs(top)), "\(spec.name)")
            #expect(abs(block.trace.value - blockTrace) < 5 * block.trace.standardError + 1e-12, "\(spec.name)")
        }
        // Stochastic Lanczos quadrature with full Krylov runs: the density integrates to 1 and its mean
        // is tr(H)/p.
        let density = try SpectralDensity.estimate(layout: network.layout, runs: 4, steps: p, seed: 9, apply)
        let dx = density.grid[1] - density.grid[0]
        #expect(abs(density.density.reduce(0, +) * dx - 1) < 1e-2)
        for run in density.runs {
            #expect(abs(run.weights.reduce(0, +) - 1) < 1e-9)
        }
    }
}
