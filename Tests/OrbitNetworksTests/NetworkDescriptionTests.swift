import Foundation
import Testing

@testable import OrbitNetworks
@testable import OrbitNumerics

@Suite struct NetworkDescriptionTests {
    @Test func mlpNamesFollowPyTorchSequential() throws {
        let net = try Network(parsing: "mlp:784-512-512-512-10:relu")
        #expect(
            net.layout.tensors.map(\.name) == [
                "layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias",
                "layers.4.weight", "layers.4.bias", "layers.6.weight", "layers.6.bias",
            ])
        #expect(net.layout.tensors[0].shape == [512, 784] && net.layout.tensors[7].shape == [10])
        #expect(net.parameterCount == 784 * 512 + 512 + 2 * (512 * 512 + 512) + 512 * 10 + 10)
        #expect(net.outputSize == 10)
        let linear = try Network(parsing: "linear:8-8-8-8")
        #expect(linear.layout.tensors.map(\.name) == ["layers.0.weight", "layers.1.weight", "layers.2.weight"])
    }

    @Test(arguments: [
        "mlp:784-512-512-512-10:relu", "linear:8-8-8-8", "mlp:40-256-256-10:leaky_relu(0.1)", "mlp:5-3-2:tanh:nobias",
        "linear-skip:1-1-1-1:eps=0.5", "resmlp:784-256x3-10:relu", "mlp:10-1:relu",
    ])
    func compactAndJSONRoundTrip(_ text: String) throws {
        let net = try Network(parsing: text)
        #expect(try Network(parsing: net.jsonDescription) == net)
        let compact = try #require(net.compactDescription)
        #expect(try Network(parsing: compact) == net)
    }

    @Test(arguments: [
        ("mlp:784", "need KIND:SIZES"), ("mlp:784-0-10", "0"), ("mlp:784-x-10", "x"), ("conv:3-3", "conv"),
        ("mlp:4-4:swish", "swish"), ("linear-skip:2-3-4-5", "2-3-4-5"), ("linear-skip:1-1-1-1:eps=abc", "eps=abc"),
        ("resmlp:4-4-4", "4-4-4"), ("{\"input\": 3}", "JSON"),
    ])
    func badDescriptionsNameTheirProblem(_ text: String, _ part: String) {
        do {
            _ = try Network(parsing: text)
            Issue.record("'\(text)' parsed")
        } catch {
            if case .unparsable(_, let p, _) = error {
                #expect(p.contains(part) || part.contains(p) || part.contains("KIND") || part == "JSON", "\(error)")
            } else {
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test func invalidStructuresAreRejected() {
        #expect(throws: NetworkError.self) {
            try Network(inputSize: 3, blocks: [.residual(ResidualBlock(layers: [DenseLayer(outputs: 4)]))])
        }
        #expect(throws: NetworkError.self) { try Network(inputSize: 3, blocks: []) }
    }

    @Test func layoutMismatchNamesTheFirstDifferingTensor() throws {
        let a = try Network(parsing: "mlp:4-5-3:relu").layout
        let b = try Network(parsing: "mlp:4-6-3:relu").layout
        #expect(
            throws: NetworkError.layoutMismatch(
                tensor: "layers.0.weight", expected: "layers.0.weight [5, 4]", found: "layers.0.weight [6, 4]")
        ) {
            try a.requireMatches(b)
        }
        let c = try Network(parsing: "mlp:4-5-3:relu:nobias").layout
        #expect(throws: NetworkError.self) { try a.requireMatches(c) }
    }

    @Test func skipNetworkComputesItsFormula() throws {
        // W₃(W₂·W₁·x + ε·x) with scalars: 3·(2·5·x + 0.5·x) = 31.5·x.
        let net = try Network(parsing: "linear-skip:1-1-1-1:eps=0.5")
        let theta = ParameterVector<Double>(layout: net.layout, flat: [5, 2, 3])
        let ws = NetworkWorkspace<Double>(network: net, capacity: 2)
        let out = Matrix<Double>([[1], [-2]]).withView { Matrix(ws.forward(theta, inputs: $0)) }
        #expect(out == Matrix([[31.5], [-63]]))
    }

    @Test func parameterVectorArithmetic() throws {
        let layout = try Network(parsing: "mlp:3-2-1:relu").layout
        let a = ParameterVector<Double>(layout: layout, flat: (0..<layout.totalCount).map(Double.init))
        let b = ParameterVector<Double>(layout: layout, flat: (0..<layout.totalCount).map { Double($0 * 2) })
        let mid = ParameterVector.lerp(a, b, 0.5)
        #expect(mid.flat == (0..<layout.totalCount).map { 1.5 * Double($0) })
        #expect(abs(a.distance(to: b) - a.norm) < 1e-12)
        #expect(a.dot(b) == 2 * a.dot(a))
        #expect(ParameterVector.combination([1, -1], [b, a]) == a)
        let w = try #require(a.tensor("layers.0.weight"))
        #expect(w.rows == 2 && w.columns == 3 && w[1, 2] == 5)
        var c = a
        c.setTensor("layers.2.bias", to: Matrix([[42]]))
        #expect(
            c.tensor("layers.2.bias")![0, 0] == 42 && a.tensor("layers.2.bias")![0, 0] == Double(layout.totalCount - 1))
    }
}
