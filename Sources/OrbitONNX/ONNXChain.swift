import OrbitFormats
import OrbitNetworks

/// The chain of dense layers and residual blocks that computes an ONNX graph's output, read
/// backwards from the output value of ``ONNXGraphReader``.
///
/// Each step recognises one block of Orbit's ``Network``: an affine map with an optional
/// activation (`σ(W·x + b)`), or a residual block `σ(F(x) + x)` whose F is a chain of affine maps
/// ending without an activation (`resmlp`). A value that fits neither — an activation on the input,
/// two activations in a row, a sum that is not a skip — is refused naming its node. Values the
/// output does not depend on are ignored. O(values).
struct ONNXChain {
    /// One dense layer: its affine map and the activation that follows it.
    struct Layer {
        var affine: ONNXGraphReader.Affine
        var activation: Activation

        var dense: DenseLayer {
            DenseLayer(outputs: affine.weight.shape[0], bias: affine.bias != nil, activation: activation)
        }
    }

    enum Block {
        case dense(Layer)
        case residual([Layer], activation: Activation)
    }

    let file: String
    let features: [ONNXGraphReader.Feature]

    /// The blocks from the input to `output`, in evaluation order.
    func blocks(to output: Int) throws(ONNXError) -> [Block] {
        var reversed: [Block] = []
        var v = resolve(output)
        while true {
            switch features[v].kind {
            case .input:
                return reversed.reversed()
            case .view:
                preconditionFailure("views are resolved")
            case .layer:
                preconditionFailure("a graph with layer-graph operators is read by ONNXLayerGraph")
            case .affine(let affine):
                reversed.append(.dense(Layer(affine: affine, activation: .identity)))
                v = resolve(affine.source)
            case .sum(let a, let b, let node):
                let (layers, skip) = try residual(a, b, node: node)
                reversed.append(.residual(layers, activation: .identity))
                v = skip
            case .activation(let activation, let source, let node, let op):
                let s = resolve(source)
                switch features[s].kind {
                case .affine(let affine):
                    reversed.append(.dense(Layer(affine: affine, activation: activation)))
                    v = resolve(affine.source)
                case .sum(let a, let b, let sumNode):
                    let (layers, skip) = try residual(a, b, node: sumNode)
                    reversed.append(.residual(layers, activation: activation))
                    v = skip
                case .input:
                    throw .notExpressible(
                        file: file, node: node, op: op,
                        reason:
                            "applies \(activation.name) to the network input; Orbit's chain starts with Gemm or MatMul")
                case .activation(_, _, let previous, let previousOp):
                    throw .notExpressible(
                        file: file, node: node, op: op,
                        reason:
                            "follows \(previousOp) node '\(previous)' directly; Orbit's dense layer has one activation after its Gemm/MatMul"
                    )
                case .view:
                    preconditionFailure("views are resolved")
                case .layer:
                    preconditionFailure("a graph with layer-graph operators is read by ONNXLayerGraph")
                }
            }
        }
    }

    /// The value behind any chain of views.
    private func resolve(_ index: Int) -> Int {
        var i = index
        while case .view(let source, _) = features[i].kind { i = source }
        return i
    }

    /// The inner layers F and the skip source x of a sum F(x) + x (either operand order).
    private func residual(_ a: Int, _ b: Int, node: String) throws(ONNXError) -> ([Layer], Int) {
        for (skip, branch) in [(resolve(a), resolve(b)), (resolve(b), resolve(a))] {
            if let layers = innerLayers(from: branch, to: skip) { return (layers, skip) }
        }
        throw .notExpressible(
            file: file, node: node, op: "Add",
            reason:
                "adds two values that are not a skip connection x + F(x) with F a chain of Gemm/MatMul layers whose last has no activation (Orbit's residual block σ(F(x) + x))"
        )
    }

    /// The layers from `skip` to `branch` if `branch` is F(skip) for a chain F ending in an affine map.
    private func innerLayers(from branch: Int, to skip: Int) -> [Layer]? {
        guard case .affine = features[branch].kind else { return nil }
        var reversed: [Layer] = []
        var v = branch
        while v != skip {
            switch features[v].kind {
            case .affine(let affine):
                reversed.append(Layer(affine: affine, activation: .identity))
                v = resolve(affine.source)
            case .activation(let activation, let source, _, _):
                guard case .affine(let affine) = features[resolve(source)].kind else { return nil }
                reversed.append(Layer(affine: affine, activation: activation))
                v = resolve(affine.source)
            default:
                return nil
            }
        }
        return reversed.reversed()
    }
}
