import Testing

@testable import OrbitNetworks
@testable import OrbitNumerics

/// `vgg…:ln`: Git Re-Basin's VGG with a LayerNorm over each sample's whole C×H×W activation after
/// every convolution, numbered like torchvision's `features.N` (the norm takes the index after its
/// conv, as BatchNorm does in `:bn`).
@Suite struct VGGLayerNormPresetTests {
    @Test func layerNormFollowsEveryConvolutionWithTorchvisionNumbering() throws {
        let network = try Network(parsing: "vgg16:w=0.0625:ln:in=1x32x32:out=4")
        let names = network.nodes.map(\.name)
        // Config D starts 64, 64, M: conv · LN · ReLU · conv · LN · ReLU · pool.
        #expect(Array(names.prefix(7)) == (0..<7).map { "features.\($0)" })
        let kinds = network.nodes.prefix(7).map(\.layer.typeName)
        #expect(kinds == ["conv2d", "layernorm", "activation", "conv2d", "layernorm", "activation", "pool2d"])
        let convolutions = network.nodes.filter { $0.layer.typeName == "conv2d" }.count
        let norms = network.nodes.filter { $0.layer.typeName == "layernorm" }.count
        #expect(convolutions == 13 && norms == 13)
        // γ and β cover the whole sample: 4 channels × 32 × 32 after the first conv (w = 1/16 of 64).
        #expect(network.layout.tensor(named: "features.1.weight")?.shape == [4, 32, 32])
        #expect(network.layout.tensor(named: "features.1.bias")?.shape == [4, 32, 32])
        #expect(network.layout.tensors.allSatisfy { $0.role == .parameter })
        #expect(try Network(json: network.jsonDescription) == network)
    }

    /// Each sample's activation after the first LayerNorm has mean β̄ = 0 and variance 1 at
    /// initialisation (γ = 1, β = 0), whatever the input's scale.
    @Test func normalisesEachSampleOverChannelsAndPositions() throws {
        let network = try Network(parsing: "vgg11:w=0.0625:ln:in=1x32x32:out=3")
        let theta: ParameterVector<Float> = network.initialParameters(.he, seed: 3)
        var g = SeededGenerator(seed: 4)
        let inputs = Matrix<Float>.normal(rows: 2, columns: 32 * 32, standardDeviation: 7, generator: &g)
        let node = network.plan.nodes.firstIndex { $0.name == "features.1" }!
        let workspace = NetworkWorkspace<Float>(network: network, capacity: 2, inference: true, observing: [node])
        inputs.withView { _ = workspace.forward(theta, inputs: $0) }
        let view = workspace.output(ofNode: node)
        for r in 0..<2 {
            var mean = 0.0, square = 0.0
            for c in 0..<view.columns {
                mean += Double(view[r, c])
                square += Double(view[r, c]) * Double(view[r, c])
            }
            mean /= Double(view.columns)
            #expect(abs(mean) < 1e-4 && abs(square / Double(view.columns) - mean * mean - 1) < 1e-3)
        }
    }

    @Test func refusesTwoNorms() {
        #expect(throws: NetworkError.self) { try Network(parsing: "vgg11:bn:ln") }
    }
}
