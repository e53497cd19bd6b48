import Testing

@testable import OrbitNetworks
@testable import OrbitNumerics
@testable import OrbitSymmetry

/// The permutation symmetry of layer graphs (`docs/math/layer-graph.md §5`): a random permutation
/// of every free channel space leaves f unchanged — in evaluation mode, so the running statistics
/// must move with their channels, and in training mode — and the spaces are the ones a reader of
/// the architecture expects.
@Suite struct GraphPermutationTests {
    static let descriptions = [
        "resnet20:w=4:bn:in=1x12x12:out=5", "resnet20:w=4:ln:in=1x12x12:out=5", "resnet20:w=4:none:in=1x12x12:out=5",
        "vgg11:w=0.0625:bn:in=1x32x32:out=4", "cnn:1x8x8-c4-p-c6s2-a-3:tanh:bn", "mlp:6-8-7-3:gelu",
        "resmlp:6-5x2-3:relu",
    ]

    static func randomized(_ network: Network, seed: UInt64) -> ParameterVector<Double> {
        var g = SeededGenerator(seed: seed)
        var theta: ParameterVector<Double> = network.initialParameters(.pytorch, seed: seed)
        theta.withUnsafeMutableBufferPointer { p in
            for i in p.indices { p[i] += 0.1 * g.nextGaussian() }
            for spec in network.layout.tensors where spec.name.hasSuffix("running_var") {
                for i in spec.offset..<(spec.offset + spec.count) { p[i] = 0.5 + abs(p[i]) }
            }
        }
        return theta
    }

    /// f(x; moved) = f(x; θ) to 1e-12 (relative, Float64) on 7 Gaussian inputs, in evaluation mode
    /// (``invarianceDeviation``) and in training mode (batch statistics, which move with their channels).
    static func expectSameFunction(
        _ network: Network, _ theta: ParameterVector<Double>, _ moved: ParameterVector<Double>,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        var g = SeededGenerator(seed: 4)
        let x = Matrix<Double>.normal(rows: 7, columns: network.inputSize, generator: &g)
        #expect(
            invarianceDeviation(network: network, theta, acted: moved, inputs: x) < 1e-12,
            sourceLocation: sourceLocation)
        let ws = NetworkWorkspace<Double>(network: network, capacity: 7)
        let before = x.withView { Matrix(ws.forward(theta, inputs: $0)) }
        let after = x.withView { Matrix(ws.forward(moved, inputs: $0)) }
        #expect(
            (after - before).maxMagnitude() <= 1e-12 * Swift.max(1, before.maxMagnitude()),
            sourceLocation: sourceLocation)
    }

    @Test(arguments: descriptions)
    func randomPermutationLeavesTheFunctionUnchanged(_ description: String) throws {
        let network = try Network(parsing: description)
        let theta = Self.randomized(network, seed: 3)
        let action = try GraphPermutationAction.random(network: network, seed: 9)
        let moved = try action.act(on: theta)
        #expect(moved.distance(to: theta) > 0.1, "the permutation moved nothing")
        Self.expectSameFunction(network, theta, moved)
    }

    /// ResNet-20's free spaces: the residual stream of each stage (conv1 and layer1's blocks share one;
    /// each downsampling stage opens the next) and the inner channels of each of the nine blocks.
    @Test func resnetSpacesAreTheResidualStreamsAndTheBlocks() throws {
        let network = try Network(parsing: "resnet20:w=4")
        let free = ChannelSpaces(network.plan).freeSpaces
        #expect(free.count == 3 + 9)
        let stream1 = try #require(free.first { $0.nodes.contains("conv1") })
        #expect(stream1.size == 4)
        for b in 0..<3 { #expect(stream1.nodes.contains("layer1.\(b).conv2")) }
        let stream2 = try #require(free.first { $0.nodes.contains("layer2.0.downsample.0") })
        #expect(stream2.size == 8 && stream2.nodes.contains("layer2.2.conv2") && !stream2.nodes.contains("conv1"))
        #expect(free.filter { $0.nodes == ["layer3.1.conv1"] }.count == 1)
    }
}
