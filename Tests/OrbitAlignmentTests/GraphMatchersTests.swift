import Testing

@testable import OrbitAlignment
@testable import OrbitNetworks
@testable import OrbitNumerics

/// Every matcher on layer graphs with the spec derived from the graph: a planted permutation of every
/// free channel space of conv nets with BatchNorm (one with blocks after a Flatten), ResNet-20s with
/// projection shortcuts (BatchNorm and LayerNorm) and a VGG-11 is recovered exactly by activation, Σ-weighted,
/// naive, OT and Sinkhorn matching; the activation statistics of a conv space equal a per-position
/// brute force; Sinkhorn refuses two different graphs naming the node.
@Suite struct GraphMatchersTests {
    static let graphs = [
        "cnn:1x8x8-c4-p-c6s2-a-3:relu:bn", "resnet20:w=4:bn:in=1x8x8:out=5", "resnet20:w=4:ln:in=1x8x8:out=5",
        "vgg11:w=0.0625:bn:in=1x32x32:out=4",
        // A Linear reading 6 blocks of 4×4 features after a Flatten (a VGG of 32×32 flattens 1×1 maps).
        "cnn:1x8x8-c5-p-c6-3:relu:bn",
    ]

    /// A perturbed initialisation (no two units tie), calibrated to the inputs (``calibrateToInputs``), B = π(A) for a random π of every group, and 48 Gaussian images.
    static func planted(_ description: String, seed: UInt64) throws -> (
        network: Network, spec: PermutationSpec, a: ParameterVector<Float>, b: ParameterVector<Float>,
        planted: Permutations, inputs: Matrix<Float>
    ) {
        let network = try Network(parsing: description)
        let spec = try PermutationSpec(network: network)
        var g = SeededGenerator(seed: seed)
        var a: ParameterVector<Float> = network.initialParameters(.he, seed: 5)
        a.withUnsafeMutableBufferPointer { p in for i in p.indices { p[i] += Float(0.2 * g.nextGaussian()) } }
        for t in network.layout.tensors where t.role == .buffer {
            let isMean = t.name.hasSuffix("running_mean")
            a.withMutableTensor(t) { v in
                for r in 0..<v.rows {
                    for c in 0..<v.columns {
                        v[r, c] = Float(isMean ? 0.1 * g.nextGaussian() : 0.75 + 0.25 * abs(g.nextGaussian()))
                    }
                }
            }
        }
        let pi = Permutations.random(spec, seed: seed + 1)
        let x = Matrix<Float>.normal(rows: 48, columns: network.inputSize, generator: &g)
        calibrateToInputs(network, &a, inputs: x, perturbation: &g)
        return (network, spec, a, spec.apply(pi, to: a), pi, x)
    }

    @Test(arguments: AlignmentMethod.allCases.filter { $0 != .weight }, graphs)
    func recoversAPlantedPermutation(_ method: AlignmentMethod, _ description: String) throws {
        let p = try Self.planted(description, seed: 31)
        #expect(p.b.distance(to: p.a) > 0.1)
        let result = try method.matcher(seed: 2).match(
            network: p.network, p.a, p.b, spec: p.spec, inputs: method.needsInputs ? p.inputs : nil)
        #expect(result.permutations == p.planted.inverse, "\(method) on \(description)")
        // Every permutation goes through the functional-equivalence check (evaluation mode; on four
        // inputs, as the weight-matching tests: Float32 sums in another order drift through 20 layers).
        let check = p.inputs.submatrix(rows: 0..<4, columns: 0..<p.inputs.columns)
        let (aligned, _) = try FunctionalEquivalence.applyChecked(
            result.permutations, spec: p.spec, network: p.network, to: p.b, inputs: check)
        #expect(aligned == p.a, "\(method) on \(description): ‖π(B) − A‖ = \(aligned.distance(to: p.a))")
    }

    /// A pairwise merge through the one ``PermutationMatcher`` interface on a ResNet: B = π(A) merges
    /// back to A for the data methods.
    @Test(arguments: [AlignmentMethod.activation, .sigma])
    func mergeOfAPermutedResNetIsTheOriginal(_ method: AlignmentMethod) throws {
        let p = try Self.planted("resnet20:w=4:bn:in=1x8x8:out=5", seed: 41)
        let merge = try Merging.merge(
            models: [p.a, p.b], network: p.network, spec: p.spec, matcher: method.matcher(seed: 1),
            matchingInputs: p.inputs, checkInputs: p.inputs.submatrix(rows: 0..<4, columns: 0..<p.inputs.columns))
        #expect(merge.merged.distance(to: p.a) < 1e-5 * max(1, p.a.norm))
    }

    /// Observation points: a conv space is observed where its reader sees it (after the activation and
    /// pool), a residual stream at every block output, a Linear after a Flatten at the node before it.
    @Test func observationPointsAreTheReadersInputs() throws {
        let resnet = try Network(parsing: "resnet20:w=4:bn:in=1x8x8:out=5")
        let layers = GraphLayers(network: resnet, spec: try PermutationSpec(network: resnet))
        let plan = resnet.plan
        let names = { (nodes: [Int]) in nodes.map { plan.nodes[$0].name } }
        let stream = try PermutationSpec(network: resnet).groups[0]
        #expect(stream.name == "conv1")
        // The stem's ReLU and the first stage's block outputs (read by the next block or the stage-2 entry).
        let points = names(layers.observationPoints(of: stream.name))
        #expect(
            points.count == 4 && points.allSatisfy { !$0.hasPrefix("layer2") && !$0.hasPrefix("layer3") }, "\(points)")
        // A Linear after a Flatten reads the 4×4×4 node before it, as 4 blocks of 16 features.
        let cnn = try Network(parsing: "cnn:1x8x8-c4-p-3:relu")
        let cnnLayers = GraphLayers(network: cnn, spec: try PermutationSpec(network: cnn))
        let linear = try #require(cnnLayers.layers.last)
        #expect(linear.geometry == nil && linear.block == 16 && linear.inputGroup == "layers.0")
        if case .flatten = cnn.plan.nodes[linear.input].layer {
        } else {
            Issue.record("the Linear should read a Flatten")
        }
        #expect(cnn.plan.outputShapes[linear.observed] == [4, 4, 4])
        #expect(cnnLayers.observationPoints(of: "layers.0") == [linear.observed])
    }

    /// The cross-correlation of a conv space pools every (sample, position) pair: equal to a brute
    /// force over the observed node's NCHW outputs, channel by channel.
    @Test(arguments: [ActivationMatching.Statistic.correlation, .covariance])
    func convStatisticsEqualBruteForce(_ statistic: ActivationMatching.Statistic) throws {
        let p = try Self.planted("cnn:1x5x5-c3-c4s2-2:relu:bn", seed: 7)
        // B independent of A, so the statistic is not a permutation matrix.
        var g = SeededGenerator(seed: 8)
        var b: ParameterVector<Float> = p.network.initialParameters(.he, seed: 9)
        b.withUnsafeMutableBufferPointer { q in for i in q.indices { q[i] += Float(0.1 * g.nextGaussian()) } }
        let x = Matrix<Float>.normal(rows: 7, columns: p.network.inputSize, generator: &g)
        let group = p.spec.groups[0]
        let s = try ActivationMatching(statistic: statistic, batchSize: 3).crossStatistics(
            network: p.network, p.a, b, inputs: x, spec: p.spec)[group.name]!
        // The first conv's channels are read by the second conv through layers.2 (its ReLU after BN).
        let node = try #require(p.network.plan.nodes.firstIndex { $0.name == "layers.2" })
        let positions = p.network.plan.outputShapes[node][1] * p.network.plan.outputShapes[node][2]
        #expect(group.size == 3 && positions == 25)
        func outputs(_ theta: ParameterVector<Float>) -> Matrix<Double> {
            let w = NetworkWorkspace<Double>(network: p.network, capacity: x.rows, inference: true, observing: [node])
            return x.converted(to: Double.self).withView { v in
                w.forward(theta.converted(to: Double.self), inputs: v)
                return Matrix(w.output(ofNode: node))
            }
        }
        let (ya, yb) = (outputs(p.a), outputs(b))
        let n = Double(x.rows * positions)
        func moments(_ y: Matrix<Double>, _ c: Int) -> (mean: Double, std: Double) {
            var s = 0.0, q = 0.0
            for i in 0..<y.rows {
                for pos in 0..<positions {
                    s += y[i, c * positions + pos]
                    q += y[i, c * positions + pos] * y[i, c * positions + pos]
                }
            }
            return (s / n, (q / n - (s / n) * (s / n)).squareRoot())
        }
        for i in 0..<3 {
            for j in 0..<3 {
                let (ma, sa) = moments(ya, i), (mb, sb) = moments(yb, j)
                var cross = 0.0
                for r in 0..<x.rows {
                    for pos in 0..<positions { cross += ya[r, i * positions + pos] * yb[r, j * positions + pos] }
                }
                var expected = cross / n - ma * mb
                if statistic == .correlation { expected /= sa * sb }
                #expect(abs(s[i, j] - expected) <= 1e-9 * max(1, abs(expected)), "S[\(i), \(j)]")
            }
        }
    }

    /// Σ of a convolution is the second moment of its im2col patches over samples and positions: for
    /// a 1×1 convolution that is E[x xᵀ] of the input channels at every pixel.
    @Test func convolutionSigmaIsThePatchSecondMoment() throws {
        let network = try Network(parsing: "cnn:2x3x3-c3-2:relu")
        let spec = try PermutationSpec(network: network)
        let layers = GraphLayers(network: network, spec: spec).layers
        let theta: ParameterVector<Float> = network.initialParameters(.he, seed: 1)
        var g = SeededGenerator(seed: 2)
        let x = Matrix<Float>.normal(rows: 5, columns: network.inputSize, generator: &g)
        let sigmas = inputSecondMoments(network: network, layers: layers, parameters: theta, inputs: x, batchSize: 2)
        // The first conv (3×3, pad 1) reads the input: Σ[(c,i,j), (c',i',j')] = E[x_c(p+i−1, q+j−1) x_c'(…)].
        let conv = sigmas[0]
        #expect(conv.rows == 18)
        func pixel(_ r: Int, _ c: Int, _ h: Int, _ w: Int) -> Double {
            h < 0 || h >= 3 || w < 0 || w >= 3 ? 0 : Double(x[r, c * 9 + h * 3 + w])
        }
        for u in 0..<18 {
            for v in 0..<18 {
                let (cu, iu, ju) = (u / 9, (u % 9) / 3, u % 3), (cv, iv, jv) = (v / 9, (v % 9) / 3, v % 3)
                var s = 0.0
                for r in 0..<5 {
                    for p in 0..<3 {
                        for q in 0..<3 {
                            s += pixel(r, cu, p + iu - 1, q + ju - 1) * pixel(r, cv, p + iv - 1, q + jv - 1)
                        }
                    }
                }
                #expect(abs(conv[u, v] - s / 45) <= 1e-6 * max(1, abs(s / 45)), "Σ[\(u), \(v)]")
            }
        }
    }

    /// Sinkhorn on graphs: equal widths are matched above; two graphs that differ are refused naming
    /// the first node that differs; a wider conv net is carried onto a narrower one (function kept
    /// when the wider one is a duplicated copy).
    @Test func sinkhornOnGraphsOfDifferentShapes() throws {
        let a = try Network(parsing: "cnn:1x8x8-c4-p-c6s2-a-3:relu")
        let other = try Network(parsing: "cnn:1x8x8-c4-c6s2-a-3:relu")
        let ta: ParameterVector<Float> = a.initialParameters(.he, seed: 1)
        let tb: ParameterVector<Float> = other.initialParameters(.he, seed: 2)
        let error = #expect(throws: AlignmentError.self) {
            try SinkhornAlignment().transport(networkA: a, ta, networkB: other, tb)
        }
        #expect(error?.description.contains("'layers.2'") == true, "\(String(describing: error))")
        // Different widths, same graph: B's tensors land in A's layout.
        let wide = try Network(parsing: "cnn:1x8x8-c8-p-c6s2-a-3:relu")
        let tw: ParameterVector<Float> = wide.initialParameters(.he, seed: 3)
        let t = try SinkhornAlignment(epsilon: 0.05).transport(networkA: a, ta, networkB: wide, tw)
        #expect(t.aligned.layout == a.layout)
        #expect(t.plans["layers.0"]!.rows == 4 && t.plans["layers.0"]!.columns == 8)
        #expect(t.plans.values.allSatisfy { abs($0.sum() - 1) < 1e-6 })
    }
}

/// Sets every BatchNorm's running mean and variance, in graph order, to its input's per-channel
/// statistics on `inputs` (evaluation mode upstream), scaled by 1 + 0.1·N(0, 1) so they differ from
/// the batch's, and centres every hidden Linear unit on the inputs (bias − mean + 0.1·std·N(0, 1)):
/// so that no unit is dead on every input, which no activation statistic could tell apart.
func calibrateToInputs(
    _ network: Network, _ theta: inout ParameterVector<Float>, inputs: Matrix<Float>,
    perturbation g: inout SeededGenerator
) {
    let plan = network.plan
    for (k, node) in plan.nodes.enumerated() {
        let source: Int
        switch node.layer {
        case .batchNorm: source = plan.inputIndices[k][0]
        case .linear where k < plan.nodes.count - 1 && plan.tensor("bias", of: k) != nil: source = k
        default: continue
        }
        let shape = plan.outputShapes[source]
        let w = NetworkWorkspace<Double>(network: network, capacity: inputs.rows, inference: true, observing: [source])
        var moments = ChannelMoments(channels: shape[0], positions: shape.dropFirst().reduce(1, *))
        inputs.converted(to: Double.self).withView { x in
            w.forward(theta.converted(to: Double.self), inputs: x)
            moments.add(w.output(ofNode: source))
        }
        let mean = moments.mean, std = moments.standardDeviation
        func set(_ name: String, _ values: [Double]) {
            theta.setTensor(
                "\(node.name).\(name)", to: Matrix(rows: 1, columns: values.count, flat: values.map { Float($0) }))
        }
        if source == k {
            let bias = theta.tensor("\(node.name).bias")!.flat
            set("bias", (0..<mean.count).map { Double(bias[$0]) - mean[$0] + 0.1 * std[$0] * g.nextGaussian() })
        } else {
            set("running_mean", mean.map { $0 * (1 + 0.1 * g.nextGaussian()) })
            set("running_var", std.map { $0 * $0 * (1 + 0.1 * abs(g.nextGaussian())) })
        }
    }
}
