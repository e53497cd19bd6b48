import Testing

@testable import OrbitNetworks
@testable import OrbitNumerics

/// A workspace that observes nodes keeps their outputs: fusion stops at an observed node (a
/// BatchNorm's output before the ReLU it would absorb, a Linear's pre-activation), and the network's
/// output is unchanged.
@Suite struct ObservedNodeTests {
    @Test(arguments: ["resnet20:w=2:bn:in=1x8x8:out=3", "mlp:5-4-3:relu", "resmlp:4-3x2-2:relu"])
    func observedOutputsAreTheNodesOutputs(_ description: String) throws {
        let network = try Network(parsing: description)
        let theta: ParameterVector<Double> = network.initialParameters(.he, seed: 3)
        var g = SeededGenerator(seed: 1)
        let x = Matrix<Double>.normal(rows: 5, columns: network.inputSize, generator: &g)
        let every = Set(network.plan.nodes.indices)
        for inference in [true, false] {
            let plain = NetworkWorkspace<Double>(network: network, capacity: 5, inference: inference)
            let observing = NetworkWorkspace<Double>(
                network: network, capacity: 5, inference: inference, observing: every)
            let y = x.withView { Matrix(plain.forward(theta, inputs: $0)) }
            let z = x.withView { Matrix(observing.forward(theta, inputs: $0)) }
            #expect((y - z).maxMagnitude() < 1e-12)
            for (k, node) in network.plan.nodes.enumerated() {
                let out = Matrix(observing.output(ofNode: k))
                #expect(out.columns == network.plan.outputShapes[k].reduce(1, *))
                // An activation node's output is σ of its input node's observed output.
                if case .activation(let a) = node.layer, let source = network.plan.inputIndices[k].first, source >= 0 {
                    let input = Matrix(observing.output(ofNode: source))
                    let activation = a.activation
                    let expected = input.map { activation($0) }
                    #expect((out - expected).maxMagnitude() < 1e-12, "\(node.name)")
                }
            }
        }
    }
}
