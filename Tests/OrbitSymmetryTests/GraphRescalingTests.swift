import Testing

@testable import OrbitNetworks
@testable import OrbitNumerics
@testable import OrbitSymmetry

/// The rescaling symmetry of layer graphs and BatchNorm's scale invariance
/// (`docs/math/layer-graph.md §6`): a random positive diagonal per free channel space leaves f
/// unchanged in evaluation and in training mode, on CNNs, VGGs and ResNets with every norm; on a dense
/// chain it is the chain's rescaling action; a space whose scale would reach a node that does not
/// carry it is refused with the node named; BatchNorm absorbs a scale of the convolution it reads up
/// to the stated ε term, exactly.
@Suite struct GraphRescalingTests {
    static let descriptions = [
        "cnn:1x8x8-c4-p-c6s2-a-3:relu:bn", "cnn:1x8x8-c4-p-c6s2-gap-3:leaky_relu",
        "resnet20:w=4:bn:in=1x12x12:out=5", "resnet20:w=4:none:in=1x12x12:out=5", "resnet20:w=4:ln:in=1x12x12:out=5",
        "vgg11:w=0.0625:bn:in=1x32x32:out=4", "vgg11:w=0.0625:in=1x32x32:out=4", "resmlp:6-5x2-3:relu",
    ]

    /// Float64: g·θ moves θ, and f(x; g·θ) = f(x; θ) to 1e-12 (relative) in evaluation mode
    /// (running statistics untouched) and in training mode (batch statistics).
    @Test(arguments: descriptions)
    func randomRescalingLeavesTheFunctionUnchanged(_ description: String) throws {
        let network = try Network(parsing: description)
        let theta = GraphPermutationTests.randomized(network, seed: 3)
        let action = try GraphRescalingAction.random(network: network, seed: 9, strength: 0.5)
        #expect(action.scales.count == ChannelSpaces(network.plan).freeSpaces.count)
        let moved = try action.act(on: theta)
        #expect(moved.distance(to: theta) > 0.1, "the rescaling moved nothing")
        GraphPermutationTests.expectSameFunction(network, theta, moved)
        // Buffers are never touched: no norm reads a scaled value.
        let buffers = network.layout.tensors.filter { $0.role == .buffer }
        for t in buffers { #expect(moved.tensor(t.name) == theta.tensor(t.name), "\(t.name)") }
    }

    /// Float32: the action applied in Float64 and rounded to Float changes the Float32 evaluation-mode
    /// outputs by at most 1e-5 of their size.
    @Test(arguments: descriptions)
    func randomRescalingInFloat32(_ description: String) throws {
        let network = try Network(parsing: description)
        let theta = GraphPermutationTests.randomized(network, seed: 5).converted(to: Float.self)
        let moved = try GraphRescalingAction.random(network: network, seed: 2, strength: 0.5).act(on: theta)
        var g = SeededGenerator(seed: 6)
        let x = Matrix<Float>.normal(rows: 5, columns: network.inputSize, generator: &g)
        let ws = NetworkWorkspace<Float>(network: network, capacity: 5, inference: true)
        let before = x.withView { Matrix(ws.forward(theta, inputs: $0)) }
        let after = x.withView { Matrix(ws.forward(moved, inputs: $0)) }
        #expect(Double((after - before).maxMagnitude()) <= 1e-5 * Double(Swift.max(1, before.maxMagnitude())))
    }

    /// On a dense chain the graph action is the chain's ``RescalingAction`` (Prop 5.3): the same
    /// diagonals give the same θ′, to the last bit.
    @Test func equalsTheChainActionOnAnMLP() throws {
        let network = try Network(parsing: "mlp:6-8-7-3:relu")
        let theta = GraphPermutationTests.randomized(network, seed: 1)
        let free = ChannelSpaces(network.plan).freeSpaces
        #expect(free.map(\.size) == [8, 7])
        var g = SeededGenerator(seed: 2)
        let d = free.map { s in (0..<s.size).map { _ in Double.exp(0.7 * g.nextGaussian()) } }
        let graph = try GraphRescalingAction(
            network: network, scales: Dictionary(uniqueKeysWithValues: zip(free.map(\.id), d)))
        let chain = try RescalingAction(network: network, scales: d)
        #expect(try graph.act(on: theta) == chain.act(on: theta))
    }

    /// ResNet-20 with BatchNorm: the scale of a stage's residual stream goes on the γ, β of every
    /// BatchNorm writing into it (the stem's, each block's second, the projection's) and on the
    /// columns of every convolution reading it; the convolutions before those norms stay.
    @Test func residualStreamScalesTheNormsWritingIntoIt() throws {
        let network = try Network(parsing: "resnet20:w=4:bn:in=1x12x12:out=5")
        let spaces = ChannelSpaces(network.plan)
        let stream = try #require(spaces.freeSpaces.first { $0.nodes.contains("conv1") })
        let theta = GraphPermutationTests.randomized(network, seed: 2)
        let d: [Double] = [2, 3, 0.5, 0.25]
        let moved = try GraphRescalingAction(network: network, scales: [stream.id: d]).act(on: theta)
        func tensor(_ p: ParameterVector<Double>, _ name: String) throws -> [Double] {
            let spec = try #require(network.layout.tensors.first { $0.name == name })
            return p.withUnsafeBufferPointer { Array($0[spec.offset..<(spec.offset + spec.count)]) }
        }
        for name in ["bn1.weight", "bn1.bias", "layer1.0.bn2.weight", "layer1.2.bn2.bias"] {
            #expect(try tensor(moved, name) == zip(tensor(theta, name), d).map { $0 * $1 }, "\(name)")
        }
        for name in ["conv1.weight", "layer1.0.conv2.weight", "layer1.0.bn1.weight", "bn1.running_var"] {
            #expect(try tensor(moved, name) == tensor(theta, name), "\(name)")
        }
        // layer1.0.conv1 reads the stream: input channel c's 3×3 block × 1/d_c.
        let before = try tensor(theta, "layer1.0.conv1.weight"), after = try tensor(moved, "layer1.0.conv1.weight")
        for i in before.indices { #expect(after[i] == before[i] * (1 / d[(i / 9) % 4])) }
        #expect(try tensor(moved, "layer2.0.downsample.0.weight") != tensor(theta, "layer2.0.downsample.0.weight"))
    }

    /// Graphs whose scale would meet a node that does not carry it are refused, naming the node and
    /// its kind: a tanh after a BatchNorm, a tanh MLP, a LayerNorm and a BatchNorm reading a
    /// rescaled value; a space that is not refused can still be scaled alone.
    @Test func nonHomogeneousNodesAreRefusedByName() throws {
        func refusal(_ network: Network, scales: [Int: [Double]]? = nil) -> String {
            do {
                if let scales {
                    _ = try GraphRescalingAction(network: network, scales: scales)
                } else {
                    _ = try GraphRescalingAction.random(network: network, seed: 1, strength: 0.5)
                }
                return "accepted"
            } catch {
                return error.description
            }
        }
        let tanhCNN = try Network(parsing: "cnn:1x8x8-c4-p-c6s2-a-3:tanh:bn")
        let cnnMessage = refusal(tanhCNN)
        #expect(
            cnnMessage.contains("node 'layers.2' (tanh)") && cnnMessage.contains("positively homogeneous"),
            "\(cnnMessage)")
        #expect(refusal(try Network(parsing: "mlp:6-8-3:tanh")).contains("node 'layers.1' (tanh)"))

        func graph(_ nodes: [NetworkNode]) throws -> Network { try Network(inputShape: [6], nodes: nodes) }
        let layerNorm = try graph([
            NetworkNode("fc1", .linear(LinearLayer(outputs: 5)), inputs: ["input"]),
            NetworkNode("act", .activation(ActivationLayer(.relu)), inputs: ["fc1"]),
            NetworkNode("norm", .layerNorm(LayerNormLayer()), inputs: ["act"]),
            NetworkNode("fc2", .linear(LinearLayer(outputs: 2)), inputs: ["norm"]),
        ])
        let lnMessage = refusal(layerNorm)
        #expect(lnMessage.contains("node 'norm' (LayerNorm(5))") && lnMessage.contains("all channels"), "\(lnMessage)")
        let batchNorm = try graph([
            NetworkNode("fc1", .linear(LinearLayer(outputs: 5)), inputs: ["input"]),
            NetworkNode("act", .activation(ActivationLayer(.relu)), inputs: ["fc1"]),
            NetworkNode("norm", .batchNorm(BatchNormLayer()), inputs: ["act"]),
            NetworkNode("fc2", .linear(LinearLayer(outputs: 2)), inputs: ["norm"]),
        ])
        let bnMessage = refusal(batchNorm)
        #expect(bnMessage.contains("node 'norm' (BatchNorm1d(5))") && bnMessage.contains("up to ε"), "\(bnMessage)")

        // tanh on the first hidden space only: the second is still a symmetry on its own.
        let mixed = try graph([
            NetworkNode("fc1", .linear(LinearLayer(outputs: 5)), inputs: ["input"]),
            NetworkNode("act1", .activation(ActivationLayer(.tanh)), inputs: ["fc1"]),
            NetworkNode("fc2", .linear(LinearLayer(outputs: 4)), inputs: ["act1"]),
            NetworkNode("act2", .activation(ActivationLayer(.relu)), inputs: ["fc2"]),
            NetworkNode("fc3", .linear(LinearLayer(outputs: 2)), inputs: ["act2"]),
        ])
        let free = ChannelSpaces(mixed.plan).freeSpaces
        #expect(refusal(mixed, scales: [free[0].id: [1, 2, 3, 4, 5]]).contains("node 'act1' (tanh)"))
        let second = try GraphRescalingAction(network: mixed, scales: [free[1].id: [0.5, 2, 4, 0.125]])
        let theta: ParameterVector<Double> = mixed.initialParameters(.pytorch, seed: 4)
        var g = SeededGenerator(seed: 5)
        #expect(try second.check(theta, inputs: .normal(rows: 9, columns: 6, generator: &g), tolerance: 1e-13) >= 0)
        #expect(refusal(mixed, scales: [free[1].id: [1, 2, -1, 1]]).contains("not positive"))
        #expect(refusal(mixed, scales: [free[1].id: [1, 2]]).contains("4 scales"))
    }

    /// A Conv2d whose output is the input of the network's last node, a BatchNorm: scaling its output
    /// channels by c (and the running statistics by c, c²) changes the evaluation-mode output of
    /// channel o by exactly |γ_o|·δ_o·|x̂| (δ of the doc comment), within the simple bound
    /// ε·|1 − c⁻²|/σ², and not at all in the ε → 0 sense: small running variances make it visible.
    /// In training mode the same holds with the batch variance for σ².
    @Test func batchNormScaleDeviationIsTheStatedBound() throws {
        let network = try Network(
            inputShape: [2, 4, 4],
            nodes: [
                NetworkNode("conv", .conv2d(Conv2dLayer(outChannels: 3, kernel: 3, padding: 1)), inputs: ["input"]),
                NetworkNode("bn", .batchNorm(BatchNormLayer()), inputs: ["conv"]),
            ])
        var theta = GraphPermutationTests.randomized(network, seed: 8)
        let variance = try #require(network.plan.tensor("running_var", of: 1))
        theta.withUnsafeMutableBufferPointer { p in
            for (i, v) in [1e-4, 3e-3, 0.2].enumerated() { p[variance.offset + i] = v }
        }
        let c = [0.3, 2.5, 1.7]
        let action = try BatchNormScaleAction(network: network, scales: ["conv": c])
        let moved = try action.act(on: theta)
        let factors = try #require(action.evaluationDeviationFactors(theta)["bn"])
        var g = SeededGenerator(seed: 9)
        let x = Matrix<Double>.normal(rows: 6, columns: network.inputSize, generator: &g)
        let ws = NetworkWorkspace<Double>(network: network, capacity: 6, inference: true)
        let before = x.withView { Matrix(ws.forward(theta, inputs: $0)) }
        let after = x.withView { Matrix(ws.forward(moved, inputs: $0)) }
        let gamma = try #require(theta.tensor("bn.weight"))
        let beta = try #require(theta.tensor("bn.bias"))
        var largest = 0.0
        for r in 0..<x.rows {
            for j in 0..<before.columns {
                let o = j / 16
                let normalised = abs((before[r, j] - beta[0, o]) / gamma[0, o])
                let deviation = abs(after[r, j] - before[r, j])
                let stated = factors[o] * normalised
                let rounding = 1e-12 * Swift.max(1, abs(before[r, j]))
                #expect(deviation <= stated * (1 + 1e-9) + rounding)
                #expect(abs(deviation - stated) <= 1e-9 * stated + rounding, "channel \(o): \(deviation) vs \(stated)")
                largest = Swift.max(largest, deviation)
            }
        }
        #expect(largest > 1e-3, "the ε term should be visible with running variances of 1e-4")
        for (o, v) in [1e-4, 3e-3, 0.2].enumerated() {
            let delta = BatchNormScaleAction.evaluationDeviation(runningVariance: v, epsilon: 1e-5, scale: c[o])
            #expect(delta <= 1e-5 * abs(1 - 1 / (c[o] * c[o])) / v)
        }
        // Training mode: the batch statistics scale with the channel, so the same term with the
        // batch's biased variance σ²_B of z (from the convolution alone, θ's prefix) for σ².
        let train = NetworkWorkspace<Double>(network: network, capacity: 6)
        let b = x.withView { Matrix(train.forward(theta, inputs: $0)) }
        let a = x.withView { Matrix(train.forward(moved, inputs: $0)) }
        let convolution = try Network(inputShape: [2, 4, 4], nodes: [network.nodes[0]])
        let convolutionTheta = theta.withUnsafeBufferPointer {
            ParameterVector(layout: convolution.layout, flat: Array($0.prefix(convolution.layout.totalCount)))
        }
        // The workspace owns the output buffer: keep it alive until the output is copied.
        let convolutionWorkspace = NetworkWorkspace<Double>(network: convolution, capacity: 6)
        let z = withExtendedLifetime(convolutionWorkspace) {
            x.withView { Matrix(convolutionWorkspace.forward(convolutionTheta, inputs: $0)) }
        }
        for o in 0..<3 {
            let values = (0..<x.rows).flatMap { r in (0..<16).map { z[r, o * 16 + $0] } }
            let mean = values.reduce(0, +) / Double(values.count)
            let batchVariance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
            let delta = BatchNormScaleAction.evaluationDeviation(
                runningVariance: batchVariance, epsilon: 1e-5, scale: c[o])
            for r in 0..<x.rows {
                for q in 0..<16 {
                    let j = o * 16 + q
                    let stated = abs(gamma[0, o]) * abs((b[r, j] - beta[0, o]) / gamma[0, o]) * delta
                    let rounding = 1e-12 * Swift.max(1, abs(b[r, j]))
                    #expect(abs(abs(a[r, j] - b[r, j]) - stated) <= 1e-9 * stated + rounding, "channel \(o)")
                }
            }
        }
        #expect((a - b).maxMagnitude() > 0 && (a - b).maxMagnitude() < 1e-3 * b.maxMagnitude())
    }

    /// On ResNet-20 with BatchNorm every convolution is read by a BatchNorm alone; a random scale of
    /// all of them moves θ a lot and the outputs only by the ε term (running variances ≥ 0.5 here),
    /// in both modes; a network without BatchNorm and a node no BatchNorm reads are refused.
    @Test func batchNormScaleOnAResNet() throws {
        let network = try Network(parsing: "resnet20:w=4:bn:in=1x12x12:out=5")
        #expect(BatchNormScaleAction.normalizedProducers(of: network).count == 19 + 2)
        let theta = GraphPermutationTests.randomized(network, seed: 3)
        let action = try BatchNormScaleAction.random(network: network, seed: 4, strength: 0.5)
        let moved = try action.act(on: theta)
        #expect(moved.distance(to: theta) > 0.1)
        var g = SeededGenerator(seed: 4)
        let x = Matrix<Double>.normal(rows: 7, columns: network.inputSize, generator: &g)
        let deviation = invarianceDeviation(network: network, theta, acted: moved, inputs: x)
        #expect(deviation > 1e-12 && deviation < 1e-3, "\(deviation)")
        #expect(throws: SymmetryError.self) {
            try BatchNormScaleAction.random(network: try Network(parsing: "resnet20:w=4:none"), seed: 1, strength: 1)
        }
        do {
            _ = try BatchNormScaleAction(network: network, scales: ["layer1.0.bn1": [1, 1, 1, 1]])
            Issue.record("a BatchNorm node was accepted as a producer")
        } catch {
            #expect(error.description.contains("'layer1.0.bn1' (batchnorm)"), "\(error)")
        }
    }
}
