import OrbitFormats
import OrbitNetworks

/// A dense chain read from a file's tensor shapes alone, for files that store no description.
///
/// The ordered modules (``DenseModuleOrder``) W₁ (h₁, d), W₂ (h₂, h₁), …, W_L (c, h_{L−1}) give
/// the network x ↦ W_L σ(⋯σ(W₁x + b₁)⋯) + b_L: the sizes come from the shapes, a layer has a bias
/// exactly when the file holds one, and σ — which a `state_dict` does not record — is ReLU, the
/// common default; the command line says so and `--arch` overrides it. Skip connections (`resmlp`)
/// cannot be seen in shapes and are never inferred. Time: O(layers).
public struct DenseChainInference: Sendable {
    /// The inferred network (Orbit's names: `layers.0`, `layers.2`, …).
    public let network: Network
    /// How the order of the layers was read.
    public let style: NamingStyle
    /// The wrapper prefix every tensor of the file shares, or "".
    public let wrapper: String
    /// The file's module names in the order they run. (Names, not tensors: a model must not keep the
    /// file's buffer alive.)
    public let moduleNames: [String]
    /// The activation assumed between layers.
    public let activation: Activation

    /// Infers the chain of `order`'s modules with `activation` after every hidden layer.
    public init(_ order: DenseModuleOrder, activation: Activation = .relu, file: String) throws(CheckpointError) {
        try DenseModuleOrder.requireChain(order.modules, file: file)
        let last = order.modules.count - 1
        let blocks = order.modules.enumerated().map { i, m in
            NetworkBlock.dense(
                DenseLayer(outputs: m.outputs, bias: m.bias != nil, activation: i == last ? .identity : activation))
        }
        do {
            network = try Network(inputSize: order.modules[0].inputs, blocks: blocks)
        } catch {
            throw .badDescription(file: file, reason: "the inferred network is invalid: \(error)")
        }
        style = order.style
        wrapper = order.wrapper
        moduleNames = order.modules.map(\.name)
        self.activation = activation
    }

    /// One line for the command line, e.g. "inferred mlp:6-8-5-3:relu from the tensor shapes
    /// (named modules fcN in numeric order; activation relu assumed — --arch overrides)".
    public var summary: String {
        let under = wrapper.isEmpty ? "" : ", under the wrapper prefix '\(wrapper)'"
        let assumed =
            moduleNames.count == 1
            ? "one layer, so no activation" : "activation \(activation.name) assumed — --arch overrides"
        return "inferred \(network.compactDescription ?? "a dense chain") from the tensor shapes (\(style)\(under); "
            + "\(assumed))"
    }
}

extension DenseModuleOrder {
    /// The file tensor for each tensor of `layout`, pairing the modules in order with the dense
    /// layers of `network` (weight, then bias) — nil unless the counts, the bias pattern and (when
    /// `requiringShapes`) every shape agree. Time: O(tensors).
    func assignment(to network: Network, requiringShapes: Bool = true) -> [(orbit: TensorSpec, file: RawTensor)]? {
        let files = modules.flatMap(\.tensors)
        let specs = network.layout.tensors
        func role(_ name: String) -> Bool { name.hasSuffix(".bias") }
        guard network.denseLayers.count == modules.count, files.count == specs.count,
            zip(specs, files).allSatisfy({
                role($0.name) == role($1.name) && (!requiringShapes || $0.shape == $1.shape)
            })
        else { return nil }
        return zip(specs, files).map { (orbit: $0, file: $1) }
    }
}
