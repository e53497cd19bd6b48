import OrbitNetworks

/// The dense layers of a plain feed-forward network, located in its parameter layout: for each layer
/// its weight name (out × in), optional bias name, sizes and activation.
///
/// The group actions of Zhao et al. (ICML 2025) act on hidden layer i between layer i and layer i+1,
/// so they need a chain of dense layers without skip blocks; this type finds that chain once.
/// Cost: O(number of tensors).
struct DenseChainStructure: Sendable {
    struct Layer: Sendable {
        let weight: String
        let bias: String?
        let inputs: Int
        let outputs: Int
        let activation: Activation
    }

    let layers: [Layer]

    /// Fails with ``SymmetryError/unsupportedNetwork(reason:)`` when a block is a residual block.
    init(_ network: Network) throws(SymmetryError) {
        do { try network.requireDenseChain(for: "this symmetry action") } catch {
            throw .unsupportedNetwork(reason: error.description)
        }
        var dense: [DenseLayer] = []
        for (index, block) in network.blocks.enumerated() {
            guard case .dense(let d) = block else {
                throw .unsupportedNetwork(
                    reason: "block \(index) is a skip (residual) block; only plain dense chains are supported")
            }
            dense.append(d)
        }
        // Weights appear in layout order, one per dense layer, each followed by its bias if any.
        let tensors = network.layout.tensors
        var result: [Layer] = []
        var t = 0
        for d in dense {
            let w = tensors[t]
            t += 1
            var biasName: String?
            if d.bias {
                biasName = tensors[t].name
                t += 1
            }
            result.append(
                Layer(weight: w.name, bias: biasName, inputs: w.shape[1], outputs: d.outputs, activation: d.activation))
        }
        layers = result
    }

    /// Throws unless θ has the network's layout.
    static func requireLayout(_ network: Network, _ layout: ParameterLayout) throws(SymmetryError) {
        do { try network.layout.requireMatches(layout) } catch { throw .layoutMismatch(error) }
    }
}
