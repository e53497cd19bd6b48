import Foundation
import OrbitAlignment
import OrbitNetworks
import OrbitNumerics
import Testing

/// The permutation spec, its validation, functional equivalence of permuted models, Sinkhorn against exact
/// OT, REPAIR's statistics and MergeMany.
@Suite struct AlignmentStructureTests {
    @Test(arguments: ["mlp:5-7-6-3:relu", "mlp:5-7-6-3:relu:nobias", "resmlp:5-8x3-2:gelu", "linear:4-6-5-3"])
    func permutedModelComputesTheSameFunction(_ d: String) throws {
        let network = try Network(parsing: d)
        let spec = try PermutationSpec(network: network)
        let theta: ParameterVector<Float> = network.initialParameters(seed: 2)
        let pi = Permutations.random(spec, seed: 9)
        #expect(pi.movedUnits().values.reduce(0, +) > 0)
        let permuted = spec.apply(pi, to: theta)
        #expect(permuted != theta)
        var g = SeededGenerator(seed: 1)
        let x = Matrix<Float>.normal(rows: 64, columns: network.inputSize, generator: &g)
        let deviation = try FunctionalEquivalence.check(
            network: network, original: theta, permuted: permuted, inputs: x, tolerance: 1e-5)
        #expect(deviation <= 1e-5)
        #expect(spec.apply(pi.inverse, to: permuted) == theta)
        #expect(spec.apply(pi.composed(after: pi.inverse), to: theta) == theta)
    }

    @Test func residualStreamSharesOnePermutation() throws {
        let network = try Network(parsing: "resmlp:5-8x2-2:relu")
        let spec = try PermutationSpec(network: network)
        // The stream (layers.0 and both blocks' last layers) plus one inner group per block.
        #expect(spec.groups.count == 3)
        let stream = try #require(spec.group(named: "layers.0"))
        let tensors = Set(stream.axes.map(\.tensor))
        #expect(tensors.contains("layers.2.layers.2.weight") && tensors.contains("layers.3.layers.2.weight"))
        #expect(stream.axes.contains(PermutedAxis(tensor: "layers.4.weight", axis: 1)))
        // A single dense layer has nothing to permute; linear-skip's stream is the input (never permuted).
        #expect(try PermutationSpec(network: try Network(parsing: "mlp:3-2")).groups.isEmpty)
        let skip = try PermutationSpec(network: try Network(parsing: "linear-skip:2-3-2-1"))
        #expect(skip.groups.map(\.size) == [3])
    }

    @Test func validationRejectsBrokenSpecsNamingTensorAndAxis() throws {
        let network = try Network(parsing: "mlp:4-6-5-3:relu")
        let spec = try PermutationSpec(network: network)
        let g = spec.groups[0]
        // Wrong size.
        do {
            _ = try PermutationSpec(
                groups: [PermutationGroup(name: g.name, size: 7, axes: g.axes)] + spec.groups.dropFirst(),
                layout: network.layout)
            Issue.record("a wrong size passed validation")
        } catch {
            #expect("\(error)".contains("layers.0.weight") && "\(error)".contains("axis 0"), "\(error)")
        }
        // Uncovered axis: the columns of the consuming layer dropped.
        do {
            let broken = PermutationGroup(name: g.name, size: g.size, axes: g.axes.filter { $0.axis == 0 })
            _ = try PermutationSpec(groups: [broken] + spec.groups.dropFirst(), layout: network.layout)
            Issue.record("an uncovered axis passed validation")
        } catch {
            #expect("\(error)".contains("layers.0.weight") && "\(error)".contains("uncovered"), "\(error)")
        }
        // A bias left behind.
        do {
            let broken = PermutationGroup(
                name: g.name, size: g.size, axes: g.axes.filter { $0.tensor != "layers.0.bias" })
            _ = try PermutationSpec(groups: [broken] + spec.groups.dropFirst(), layout: network.layout)
            Issue.record("a missing bias passed validation")
        } catch {
            #expect("\(error)".contains("layers.0.bias") && "\(error)".contains("axis 0"), "\(error)")
        }
        // The same axis twice, and an axis beyond the tensor's rank.
        #expect(throws: AlignmentError.self) {
            try PermutationSpec(
                groups: spec.groups + [PermutationGroup(name: "x", size: 6, axes: g.axes)], layout: network.layout)
        }
        #expect(throws: AlignmentError.missingAxis(group: "y", tensor: "layers.0.bias", axis: 1, shape: [6])) {
            try spec.validate(network.layout)
            try PermutationSpec(
                groups: [PermutationGroup(name: "y", size: 6, axes: [PermutedAxis(tensor: "layers.0.bias", axis: 1)])],
                layout: network.layout)
        }
        #expect(throws: AlignmentError.self) {
            try Permutations(byGroup: [g.name: [0, 0, 1, 2, 3, 4]]).validate(for: spec)
        }
    }

    @Test func functionalEquivalenceCatchesAWrongPermutation() throws {
        let network = try Network(parsing: "mlp:4-6-3:relu")
        let spec = try PermutationSpec(network: network)
        let theta: ParameterVector<Float> = network.initialParameters(seed: 3)
        var wrong = theta
        // Permute the rows of layers.0 only (not its consumer's columns): a different function.
        let w = theta.tensor("layers.0.weight")!
        var moved = w
        for r in 0..<w.rows { for c in 0..<w.columns { moved[r, c] = w[(r + 1) % w.rows, c] } }
        wrong.setTensor("layers.0.weight", to: moved)
        var g = SeededGenerator(seed: 2)
        let x = Matrix<Float>.normal(rows: 32, columns: 4, generator: &g)
        #expect(throws: AlignmentError.self) {
            try FunctionalEquivalence.check(
                network: network, original: theta, permuted: wrong, inputs: x, tolerance: 1e-5)
        }
        _ = spec
    }

    /// Sinkhorn's plan tends to the exact OT plan (a permutation / n, checked against brute force and the
    /// assignment solver) as ε → 0, with both marginals satisfied; its cost exceeds the OT cost by at most
    /// ε·(H(a) + H(b)) = 2ε·log n.
    @Test func sinkhornApproachesExactTransport() throws {
        let n = 5
        func permutations(_ k: Int) -> [[Int]] {
            k == 0
                ? [[]]
                : permutations(k - 1).flatMap { p in
                    (0...p.count).map { i in
                        var q = p
                        q.insert(k - 1, at: i)
                        return q
                    }
                }
        }
        var checkedPlans = 0
        for seed in UInt64(1)...6 {
            var g = SeededGenerator(seed: seed)
            let cost = Matrix<Double>.uniform(rows: n, columns: n, generator: &g)
            let exact = try LinearAssignment.solve(cost)
            let values = permutations(n).map { p in p.enumerated().reduce(0.0) { $0 + cost[$1.offset, $1.element] } }
                .sorted()
            #expect(abs(values[0] - exact.cost) < 1e-12)
            let gap = values[1] - values[0]
            let ot = exact.cost / Double(n)
            var previous = Double.infinity
            let uniform = Array(repeating: 1 / Double(n), count: n)
            for epsilon in [0.1, 0.02, 0.004] {
                let s = sinkhorn(
                    cost: cost, a: uniform, b: uniform, epsilon: epsilon, maxIterations: 20_000, tolerance: 1e-10)
                var distance = 0.0, transport = 0.0
                for i in 0..<n {
                    var rowSum = 0.0, columnSum = 0.0
                    for j in 0..<n {
                        rowSum += s.plan[i, j]
                        columnSum += s.plan[j, i]
                        transport += s.plan[i, j] * cost[i, j]
                        distance += abs(s.plan[i, j] - (exact.columnIndices[i] == j ? 1 / Double(n) : 0))
                    }
                    // Columns are exact after each g-update; rows within the reported marginal error.
                    #expect(abs(columnSum - 1 / Double(n)) < 1e-9)
                    #expect(abs(rowSum - 1 / Double(n)) <= max(1e-9, s.marginalError))
                }
                #expect(s.marginalError < 1e-5, "ε = \(epsilon): marginal error \(s.marginalError)")
                #expect(transport >= ot - 1e-9 && transport <= ot + 2 * epsilon * log(Double(n)) + 1e-9)
                if gap / Double(n) > 0.02 {
                    #expect(distance <= previous + 1e-9)
                    previous = distance
                }
            }
            if gap / Double(n) > 0.02 {
                #expect(previous < 1e-3, "seed \(seed): ‖P_ε − P*‖₁ = \(previous)")
                checkedPlans += 1
            }
        }
        #expect(checkedPlans >= 2)
    }

    @Test(arguments: ["mlp:5-12-10-3:relu", "resmlp:5-8x2-3:relu"]) func repairRestoresTargetStatistics(_ d: String)
        throws
    {
        let network = try Network(parsing: d)
        let a: ParameterVector<Float> = network.initialParameters(seed: 1)
        let b: ParameterVector<Float> = network.initialParameters(seed: 2)
        var g = SeededGenerator(seed: 3)
        let x = Matrix<Float>.normal(rows: 400, columns: 5, generator: &g)
        let repair = REPAIR(batchSize: 150)
        let t = 0.3
        let repaired = try repair.repair(network: network, a: a, b: b, t: t, inputs: x)
        let sa = try repair.statistics(network: network, parameters: a, inputs: x)
        let sb = try repair.statistics(network: network, parameters: b, inputs: x)
        let after = try repair.statistics(network: network, parameters: repaired, inputs: x)
        let before = try repair.statistics(
            network: network, parameters: Merging.interpolate(a, b, t: t), inputs: x)
        #expect(!after.isEmpty)
        var collapsed = 0.0
        for ((l, (pa, pb)), pb4) in zip(zip(after, zip(sa, sb)), before) {
            for i in l.mean.indices {
                let targetMean = (1 - t) * pa.mean[i] + t * pb.mean[i]
                let targetStd = (1 - t) * pa.standardDeviation[i] + t * pb.standardDeviation[i]
                #expect(abs(l.mean[i] - targetMean) < 1e-4 * max(1, abs(targetMean)), "\(l.layer)[\(i)] mean")
                #expect(abs(l.standardDeviation[i] - targetStd) < 1e-4 * max(1, targetStd), "\(l.layer)[\(i)] std")
                collapsed = max(collapsed, abs(pb4.standardDeviation[i] - targetStd))
            }
        }
        #expect(collapsed > 1e-3, "the plain interpolation already had the target statistics: the test checks nothing")
    }

    @Test func mergeManyOfPermutedCopiesReturnsTheOriginal() throws {
        let network = try Network(parsing: "mlp:5-9-7-3:relu")
        let spec = try PermutationSpec(network: network)
        let theta: ParameterVector<Float> = network.initialParameters(seed: 5)
        let copies = (1...3).map { spec.apply(Permutations.random(spec, seed: UInt64($0) * 13), to: theta) }
        let merged = try Merging.mergeMany(models: copies, spec: spec, seed: 1)
        #expect(merged.permutations.count == 3)
        let back = try WeightMatching().match(theta, merged.merged, spec: spec)
        let aligned = spec.apply(back.permutations, to: merged.merged)
        #expect(Double(aligned.distance(to: theta)) < 1e-5 * Double(theta.norm))
    }
}
