import Foundation
import OrbitAlignment
import OrbitNetworks
import OrbitNumerics
import Testing

/// Known answers for the matching methods: B = π(A) + tiny noise must give back exactly π⁻¹ (the
/// permutation carrying B onto A) for every method, on MLPs with and without biases and on a residual MLP.
@Suite struct AlignmentMatchingTests {
    static let descriptions = ["mlp:6-12-10-4:tanh", "mlp:6-12-10-4:relu:nobias", "resmlp:6-10x2-3:tanh"]

    /// A, π and B = π(A) + noise, with inputs.
    static func planted(_ description: String, seed: UInt64 = 1, noise: Double = 1e-5) throws -> (
        network: Network, spec: PermutationSpec, a: ParameterVector<Float>, b: ParameterVector<Float>,
        pi: Permutations, inputs: Matrix<Float>
    ) {
        let network = try Network(parsing: description)
        let spec = try PermutationSpec(network: network)
        let a: ParameterVector<Float> = network.initialParameters(.he, seed: seed)
        let pi = Permutations.random(spec, seed: seed + 100)
        var b = spec.apply(pi, to: a)
        var g = SeededGenerator(seed: seed + 7)
        b.withUnsafeMutableBufferPointer { p in for i in 0..<p.count { p[i] += Float(noise * g.nextGaussian()) } }
        var gx = SeededGenerator(seed: seed + 9)
        let inputs = Matrix<Float>.normal(rows: 300, columns: network.inputSize, generator: &gx)
        return (network, spec, a, b, pi, inputs)
    }

    static func expectRecovered(
        _ result: MatchingResult, _ p: (pi: Permutations, spec: PermutationSpec), _ label: String
    ) {
        #expect(
            result.permutations == p.pi.inverse, "\(label): \(result.method) did not recover the planted permutation")
    }

    @Test(arguments: descriptions) func weightMatchingRecoversPlantedPermutation(_ d: String) throws {
        let p = try Self.planted(d)
        #expect(p.spec.groups.count >= 2)
        let result = try WeightMatching(seed: 3).match(p.a, p.b, spec: p.spec)
        Self.expectRecovered(result, (p.pi, p.spec), d)
        let back = p.spec.apply(result.permutations, to: p.b)
        #expect(Double(back.distance(to: p.a)) < 1e-3)
    }

    @Test(arguments: descriptions) func activationMatchingRecoversPlantedPermutation(_ d: String) throws {
        let p = try Self.planted(d)
        for statistic in ActivationMatching.Statistic.allCases {
            let result = try ActivationMatching(statistic: statistic, batchSize: 128).match(
                network: p.network, p.a, p.b, inputs: p.inputs, spec: p.spec)
            Self.expectRecovered(result, (p.pi, p.spec), d)
            #expect(result.sweeps == 1)
        }
    }

    @Test(arguments: descriptions) func sigmaWeightedMatchingRecoversPlantedPermutation(_ d: String) throws {
        let p = try Self.planted(d)
        for metric in [SigmaWeightedMatching.Metric.secondMoment, .identity] {
            let result = try SigmaWeightedMatching(metric: metric, seed: 5).match(
                network: p.network, p.a, p.b, inputs: p.inputs, spec: p.spec)
            Self.expectRecovered(result, (p.pi, p.spec), d)
        }
    }

    @Test(arguments: descriptions) func optimalTransportRecoversPlantedPermutation(_ d: String) throws {
        let p = try Self.planted(d)
        let ot = try OTAlignment().match(network: p.network, p.a, p.b, spec: p.spec)
        Self.expectRecovered(ot, (p.pi, p.spec), d)
        #expect(ot.objective < 1e-6)
        let soft = try SinkhornAlignment(epsilon: 0.01).match(network: p.network, p.a, p.b, spec: p.spec)
        Self.expectRecovered(soft, (p.pi, p.spec), d)
    }

    /// Unequal widths: B is a permuted copy of A with each unit duplicated (widths doubled, outgoing weights
    /// halved) — the same function; the barycentric transport onto A's widths must give back A.
    @Test func sinkhornTransportsWiderModelOntoNarrowerOne() throws {
        let na = try Network(parsing: "mlp:4-5-3:tanh"), nb = try Network(parsing: "mlp:4-10-3:tanh")
        let a: ParameterVector<Float> = na.initialParameters(seed: 4)
        var b = ParameterVector<Float>(layout: nb.layout)
        let w0 = a.tensor("layers.0.weight")!, b0 = a.tensor("layers.0.bias")!, w2 = a.tensor("layers.2.weight")!
        var bw0 = Matrix<Float>(rows: 10, columns: 4), bb0 = Matrix<Float>(rows: 1, columns: 10)
        var bw2 = Matrix<Float>(rows: 3, columns: 10)
        for j in 0..<10 {
            let unit = (j * 3) % 5  // each A unit appears twice, shuffled
            for c in 0..<4 { bw0[j, c] = w0[unit, c] }
            bb0[0, j] = b0[0, unit]
            for r in 0..<3 { bw2[r, j] = w2[r, unit] / 2 }
        }
        b.setTensor("layers.0.weight", to: bw0)
        b.setTensor("layers.0.bias", to: bb0)
        b.setTensor("layers.2.weight", to: bw2)
        b.setTensor("layers.2.bias", to: a.tensor("layers.2.bias")!)
        let t = try SinkhornAlignment(epsilon: 0.005).transport(networkA: na, a, networkB: nb, b)
        let plan = try #require(t.plans["layers.0"])
        #expect(plan.rows == 5 && plan.columns == 10)
        #expect(t.marginalErrors["layers.0"]! < 1e-6)
        // Each A unit receives its two copies with weight 1/2 each (R = n_A·T), so the fused hidden layer is A's
        // and, as in OTFusion (which averages outgoing weights), the output weights are the copies' average W₂^A/2.
        let fusedW0 = t.aligned.tensor("layers.0.weight")!
        #expect((fusedW0 - w0).maxMagnitude() < 1e-3)
        let fusedW2 = t.aligned.tensor("layers.2.weight")!
        #expect((fusedW2 - 0.5 * w2).maxMagnitude() < 1e-3)
    }

    @Test func weightMatchingObjectiveNeverDecreases() throws {
        let network = try Network(parsing: "mlp:8-24-24-24-4:relu")
        let spec = try PermutationSpec(network: network)
        for seed in UInt64(1)...3 {
            let a: ParameterVector<Float> = network.initialParameters(seed: seed)
            let b: ParameterVector<Float> = network.initialParameters(seed: seed + 50)
            let result = try WeightMatching(seed: seed).match(a, b, spec: spec)
            let identity = Double(a.converted(to: Double.self).dot(b.converted(to: Double.self)))
            var previous = identity
            for value in result.objectiveHistory {
                #expect(value >= previous - 1e-9 * abs(previous), "objective fell from \(previous) to \(value)")
                previous = value
            }
            #expect(result.sweeps == result.objectiveHistory.count && result.sweeps >= 2)
            #expect(result.objective > identity)
        }
    }

    /// Git Re-Basin's objective equals a brute-force search on a network small enough to enumerate:
    /// one hidden group of 5 units (120 permutations).
    @Test func weightMatchingMatchesBruteForceOnOneGroup() throws {
        let network = try Network(parsing: "mlp:3-5-2:relu")
        let spec = try PermutationSpec(network: network)
        let a: ParameterVector<Float> = network.initialParameters(seed: 11)
        let b: ParameterVector<Float> = network.initialParameters(seed: 12)
        let result = try WeightMatching().match(a, b, spec: spec)
        func permutations(_ n: Int) -> [[Int]] {
            n == 0
                ? [[]]
                : permutations(n - 1).flatMap { p in
                    (0...p.count).map { i in
                        var q = p
                        q.insert(n - 1, at: i)
                        return q
                    }
                }
        }
        var best = -Double.infinity
        for p in permutations(5) {
            let v = Double(
                a.converted(to: Double.self).dot(
                    spec.apply(Permutations(byGroup: ["layers.0": p]), to: b).converted(to: Double.self)))
            best = max(best, v)
        }
        #expect(abs(result.objective - best) < 1e-5 * abs(best))
    }
}
