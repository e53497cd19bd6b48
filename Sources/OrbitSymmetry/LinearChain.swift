import OrbitNetworks
import OrbitNumerics

/// A deep linear network f(x) = W_l⋯W₁x: dense layers without bias and with identity activations
/// (`linear:d0-d1-…-dl`), the setting of Zhao et al. (ICML 2025) §4–§6.
///
/// Gives the weight names W₁…W_l (W_k is `layers.(k−1).weight` for networks built by
/// `Network(parsing: "linear:…")`) and the hidden widths h₁…h_{l−1}. Cost: O(l).
public struct LinearChain: Sendable, Hashable {
    public let network: Network
    /// The parameter names of W₁ … W_l.
    public let weightNames: [String]
    /// d₀, h₁, …, h_{l−1}, d_l.
    public let sizes: [Int]

    /// Fails with ``SymmetryError/unsupportedNetwork(reason:)`` if `network` is not a linear chain.
    public init(_ network: Network) throws(SymmetryError) {
        let structure = try DenseChainStructure(network)
        for (i, layer) in structure.layers.enumerated() {
            guard layer.bias == nil else {
                throw .unsupportedNetwork(reason: "layer \(i + 1) has a bias; a linear chain has none")
            }
            guard layer.activation == .identity else {
                throw .unsupportedNetwork(
                    reason:
                        "layer \(i + 1) has activation \(layer.activation.name); a linear chain has identity activations"
                )
            }
        }
        self.network = network
        weightNames = structure.layers.map(\.weight)
        sizes = [network.inputSize] + structure.layers.map(\.outputs)
    }

    /// l, the number of weight matrices.
    public var depth: Int { weightNames.count }
    /// h₁ … h_{l−1}: the sizes of g₁ … g_{l−1}.
    public var hiddenSizes: [Int] { Array(sizes.dropFirst().dropLast()) }

    /// W₁ … W_l of θ (copies), in Float64.
    public func weights<S: BLASScalar>(_ theta: ParameterVector<S>) throws(SymmetryError) -> [Matrix<Double>] {
        try DenseChainStructure.requireLayout(network, theta.layout)
        return weightNames.map { theta.tensor($0)!.converted(to: Double.self) }
    }

    /// θ with W₁ … W_l replaced by `weights` (converted to S).
    public func parameters<S: BLASScalar>(
        _ weights: [Matrix<Double>], as _: S.Type = S.self
    ) -> ParameterVector<S> {
        var theta = ParameterVector<S>(layout: network.layout)
        for (name, w) in zip(weightNames, weights) { theta.setTensor(name, to: w.converted(to: S.self)) }
        return theta
    }
}
