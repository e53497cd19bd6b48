import Testing

@testable import OrbitAlignment
@testable import OrbitNetworks
@testable import OrbitNumerics

/// REPAIR on layer graphs: after the pass every repaired node's per-channel output mean and std (pooled
/// over samples and positions) equal the interpolation of the end points' — on conv nets with and
/// without BatchNorm, ResNet-20 with BatchNorm, LayerNorm and no norm — and merging two copies of one
/// function through REPAIR gives that function back.
@Suite struct GraphREPAIRTests {
    /// A perturbed initialisation (so that γ, β and biases differ between models) with running
    /// statistics away from (0, 1).
    static func model(_ network: Network, seed: UInt64) -> ParameterVector<Float> {
        var g = SeededGenerator(seed: seed)
        var theta: ParameterVector<Float> = network.initialParameters(.he, seed: seed)
        theta.withUnsafeMutableBufferPointer { p in for i in p.indices { p[i] += Float(0.2 * g.nextGaussian()) } }
        for t in network.layout.tensors where t.role == .buffer {
            theta.withMutableTensor(t) { v in
                for r in 0..<v.rows { for c in 0..<v.columns { v[r, c] = Float(0.75 + 0.25 * abs(g.nextGaussian())) } }
            }
        }
        return theta
    }

    static let cases: [(String, Bool)] = [
        ("cnn:1x8x8-c4-p-c6s2-a-3:relu:bn", true), ("cnn:1x8x8-c4-p-c6s2-a-3:relu:bn", false),
        ("resnet20:w=4:bn:in=1x8x8:out=5", true), ("resnet20:w=4:bn:in=1x8x8:out=5", false),
        ("resnet20:w=4:ln:in=1x8x8:out=5", false), ("resnet20:w=4:none:in=1x8x8:out=5", false),
        ("cnn:1x8x8-c5-p-c6-3:relu", false),
    ]

    @Test(arguments: cases) func repairRestoresTheTargetStatistics(_ description: String, reset: Bool) throws {
        let network = try Network(parsing: description)
        let (a, b) = (Self.model(network, seed: 1), Self.model(network, seed: 2))
        var g = SeededGenerator(seed: 3)
        let x = Matrix<Float>.normal(rows: 300, columns: network.inputSize, generator: &g)
        let repair = REPAIR(batchSize: 128, resetsBatchNormStatistics: reset)
        let t = 0.3
        let repaired = try repair.repair(network: network, a: a, b: b, t: t, inputs: x)
        let (names, skipped) = REPAIR.nodes(of: network)
        #expect(skipped.isEmpty)
        // Every BatchNorm / LayerNorm (or, without norms, every hidden biased layer) is repaired.
        let expected = network.nodes.filter { node in
            switch node.layer {
            case .batchNorm, .layerNorm: return true
            case .conv2d(let c): return c.bias
            default: return false
            }
        }
        #expect(names == expected.map(\.name), "\(names)")
        let sa = try repair.statistics(network: network, parameters: a, inputs: x)
        let sb = try repair.statistics(network: network, parameters: b, inputs: x)
        // The repaired model is measured with the running statistics REPAIR left in it.
        let after = try REPAIR(batchSize: 128, resetsBatchNormStatistics: false).statistics(
            network: network, parameters: repaired, inputs: x)
        let before = try repair.statistics(network: network, parameters: Merging.interpolate(a, b, t: t), inputs: x)
        #expect(after.map(\.layer) == names)
        var collapsed = 0.0
        for (((l, pa), pb), p0) in zip(zip(zip(after, sa), sb), before) {
            for c in l.mean.indices {
                let targetMean = (1 - t) * pa.mean[c] + t * pb.mean[c]
                let targetStd = (1 - t) * pa.standardDeviation[c] + t * pb.standardDeviation[c]
                #expect(abs(l.mean[c] - targetMean) < 1e-4 * max(1, abs(targetMean)), "\(l.layer)[\(c)] mean")
                #expect(abs(l.standardDeviation[c] - targetStd) < 1e-4 * max(1, targetStd), "\(l.layer)[\(c)] std")
                collapsed = max(collapsed, abs(p0.standardDeviation[c] - targetStd), abs(p0.mean[c] - targetMean))
            }
        }
        // After a BatchNorm reset a BatchNorm's output already has mean ≈ β, std ≈ |γ|, which interpolate:
        // there REPAIR has little to do. Elsewhere the plain interpolation must miss the targets.
        if !(reset && network.plan.hasBatchNorm) {
            #expect(collapsed > 1e-3, "the plain interpolation already had the target statistics")
        }
    }

    /// Two copies of one function (B a permutation of A) merged through weight matching and REPAIR give
    /// A's parameters back: REPAIR of a point that already has its targets changes nothing.
    @Test(arguments: ["cnn:1x8x8-c4-p-c6s2-a-3:relu:bn", "resnet20:w=4:ln:in=1x8x8:out=5"])
    func mergeWithRepairOfPermutedCopiesIsTheOriginal(_ description: String) throws {
        let network = try Network(parsing: description)
        let spec = try PermutationSpec(network: network)
        let a = Self.model(network, seed: 4)
        let b = spec.apply(Permutations.random(spec, seed: 5), to: a)
        var g = SeededGenerator(seed: 6)
        let x = Matrix<Float>.normal(rows: 200, columns: network.inputSize, generator: &g)
        let merge = try Merging.merge(
            models: [a, b], network: network, spec: spec, matcher: WeightMatching(seed: 1), matchingInputs: nil,
            checkInputs: x, repairInputs: x, repair: REPAIR(batchSize: 64))
        #expect(merge.repaired)
        for tensor in network.layout.tensors where tensor.role == .parameter {
            let d = merge.merged.tensor(tensor.name)!.flat.map(Double.init)
            let e = a.tensor(tensor.name)!.flat.map(Double.init)
            let gap = zip(d, e).map { abs($0 - $1) }.max() ?? 0
            #expect(gap < 1e-3 * max(1, e.map(abs).max() ?? 0), "\(tensor.name): \(gap)")
        }
    }

    /// A convolution without bias and without a norm after it cannot take REPAIR's shift: it is skipped
    /// and named.
    @Test func biasFreeConvolutionWithoutNormIsSkipped() throws {
        let network = try Network(
            inputShape: [1, 6, 6],
            nodes: [
                NetworkNode(
                    "conv", .conv2d(Conv2dLayer(outChannels: 3, kernel: 3, padding: 1, bias: false)), inputs: ["input"]),
                NetworkNode("relu", .activation(ActivationLayer(.relu)), inputs: ["conv"]),
                NetworkNode("flat", .flatten(FlattenLayer()), inputs: ["relu"]),
                NetworkNode("hidden", .linear(LinearLayer(outputs: 5)), inputs: ["flat"]),
                NetworkNode("act", .activation(ActivationLayer(.relu)), inputs: ["hidden"]),
                NetworkNode("out", .linear(LinearLayer(outputs: 2)), inputs: ["act"]),
            ])
        let (repaired, skipped) = REPAIR.nodes(of: network)
        #expect(repaired == ["hidden"] && skipped == ["conv"])
    }
}
