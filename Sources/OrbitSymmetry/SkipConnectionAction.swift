import OrbitNetworks
import OrbitNumerics

/// The part of the GL action that survives the skip connection of Zhao, Dehmamy, Walters, Yu
/// (ICML 2025), Prop 4.3, on f(x) = W₃(W₂W₁x + εx) (`linear-skip:d0-h-d0-d3:eps=ε`).
///
/// The chain action of ``GeneralLinearChainAction`` with (g₁, g₂) gives
/// W₃g₂⁻¹(g₂W₂W₁x + εx) = W₃W₂W₁x + ε·W₃g₂⁻¹x, which equals f(x) for every θ only if g₂ = I
/// (for ε ≠ 0): the skip term pins the block's output layer to the input's coordinates. What is left
/// is GL(h) acting inside the block,
///
///     W₁ → g·W₁,   W₂ → W₂·g⁻¹,   W₃, ε unchanged,
///
/// our derivation [R] (the paper states only the component count). It is the subgroup
/// GL(h) × {I} of the plain chain's GL(h) × GL(d₀), so the minimum carries fewer symmetries — one
/// way to see why it has fewer components. Cost: one LU inverse (O(h³)) and two products.
public struct SkipConnectionAction: SymmetryAction, Sendable {
    public let network: Network
    /// g ∈ GL(h), acting on the hidden layer inside the residual block.
    public let element: Matrix<Double>
    public let inverse: Matrix<Double>
    /// The weight names of W₁, W₂ (inside the block) and W₃.
    public let weightNames: [String]
    /// ε, the skip weight.
    public let skipScale: Double

    /// Validates that `network` is a `linear-skip` network (a residual block of two bias-free
    /// identity layers followed by one bias-free dense layer) and that g is h × h and invertible.
    public init(network: Network, element: Matrix<Double>) throws(SymmetryError) {
        guard network.blocks.count == 2, case .residual(let block) = network.blocks[0],
            case .dense(let last) = network.blocks[1], block.layers.count == 2, block.activation == .identity,
            block.layers.allSatisfy({ !$0.bias && $0.activation == .identity }), !last.bias,
            last.activation == .identity
        else {
            throw .unsupportedNetwork(reason: "the skip-connection action needs a linear-skip network W₃(W₂W₁x + εx)")
        }
        let h = block.layers[0].outputs
        guard element.rows == h, element.columns == h else {
            throw .groupElementShape(layer: 1, expected: "\(h)×\(h)", found: element.shapeDescription)
        }
        let lu: LUDecomposition<Double>
        do { lu = try LUDecomposition(element) } catch { throw .numerics(error) }
        guard lu.zeroPivot == nil, let inverse = try? lu.inverse() else {
            throw .invalidGroupElement(layer: 1, reason: "g is singular")
        }
        self.network = network
        self.element = element
        self.inverse = inverse
        weightNames = network.layout.tensors.map(\.name)
        skipScale = block.skipScale
    }

    public func act(on theta: ParameterVector<Double>) throws(SymmetryError) -> ParameterVector<Double> {
        try DenseChainStructure.requireLayout(network, theta.layout)
        var out = theta
        out.setTensor(weightNames[0], to: element * theta.tensor(weightNames[0])!)
        out.setTensor(weightNames[1], to: theta.tensor(weightNames[1])! * inverse)
        return out
    }
}
