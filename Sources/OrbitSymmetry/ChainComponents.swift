import OrbitNetworks
import OrbitNumerics

extension LinearChain {
    /// G₁ … G_{l−1} with G_k = W_k⋯W₁ (h_k × d₀): the coordinates of Prop 4.1's homeomorphism
    /// φ(W) = (G₁, …, G_{l−1}) of the minimum onto GL^{l−1}. Cost: O(Σ h_k h_{k−1} d₀).
    public func partialProducts(_ weights: [Matrix<Double>]) -> [Matrix<Double>] {
        var products: [Matrix<Double>] = []
        var g = weights[0]
        for k in 0..<(weights.count - 1) {
            if k > 0 { g = weights[k] * g }
            products.append(g)
        }
        return products
    }

    /// The group element g = (g₁, …, g_{l−1}) with g·w = w′ (Zhao, Dehmamy, Walters, Yu, ICML 2025,
    /// §6, Eq. 5 setting; docs/math/symmetry.md §5):
    ///
    ///     g_k = G′_k G_k⁻¹,   G_k = W_k⋯W₁,
    ///
    /// which needs every G_k square (h_k = d₀) and invertible. Then g_k W_k g_{k−1}⁻¹ = W′_k for
    /// k < l by construction; the last layer matches iff W_l⋯W₁ = W′_l⋯W′₁ (same function), which
    /// is verified by acting: ‖g·w − w′‖ / ‖w′‖ ≤ `tolerance` (Frobenius over all weights), otherwise
    /// ``SymmetryError/notOnOrbit(relativeError:)``. Cost: l LU solves of order d₀ plus the products, O(l·d₀³).
    public func groupElement<S: BLASScalar>(
        from source: ParameterVector<S>, to target: ParameterVector<S>, tolerance: Double = 1e-8
    ) throws(SymmetryError) -> [Matrix<Double>] {
        let w = try weights(source)
        let wPrime = try weights(target)
        let g = partialProducts(w)
        let gPrime = partialProducts(wPrime)
        var elements: [Matrix<Double>] = []
        for k in 0..<g.count {
            guard g[k].isSquare else { throw .singularPartialProduct(layer: k + 1) }
            let lu: LUDecomposition<Double>
            do { lu = try LUDecomposition(g[k]) } catch { throw .numerics(error) }
            // g_k = G′_k G_k⁻¹, i.e. g_kᵀ solves G_kᵀ X = G′_kᵀ (no explicit inverse).
            guard lu.zeroPivot == nil, let solved = try? lu.solve(gPrime[k].transposed(), transposed: true) else {
                throw .singularPartialProduct(layer: k + 1)
            }
            elements.append(solved.transposed())
        }
        let action = try GeneralLinearChainAction(network: network, elements: elements)
        let acted = action.act(on: w)
        var errorSquared = 0.0
        var normSquared = 0.0
        for (a, b) in zip(acted, wPrime) {
            errorSquared += (a - b).sumOfSquares()
            normSquared += b.sumOfSquares()
        }
        let relative = normSquared > 0 ? (errorSquared / normSquared).squareRoot() : errorSquared.squareRoot()
        if !(relative <= tolerance) { throw .notOnOrbit(relativeError: relative) }
        return elements
    }

    /// The connected-component label of a minimum (Zhao et al. Cor 4.2; docs/math/symmetry.md §3):
    /// c(w) = (sign det G₁, …, sign det G_{l−1}) ∈ {±1}^{l−1}. Two minima of the same loss lie in the
    /// same component iff their labels agree; g_k with det g_k < 0 flips entry k. Requires square
    /// G_k; a singular G_k throws ``SymmetryError/singularPartialProduct(layer:)``. Cost: O(l·d₀³).
    public func componentLabel<S: BLASScalar>(_ theta: ParameterVector<S>) throws(SymmetryError) -> [Int] {
        var label: [Int] = []
        for (k, g) in partialProducts(try weights(theta)).enumerated() {
            guard g.isSquare else { throw .singularPartialProduct(layer: k + 1) }
            let sign: Int
            do { sign = try LUDecomposition(g).determinantSign } catch { throw .numerics(error) }
            guard sign != 0 else { throw .singularPartialProduct(layer: k + 1) }
            label.append(sign)
        }
        return label
    }

    /// Whether two minima lie in the same connected component: their ``componentLabel(_:)``s agree.
    public func sameComponent<S: BLASScalar>(_ a: ParameterVector<S>, _ b: ParameterVector<S>) throws(SymmetryError)
        -> Bool
    {
        try componentLabel(a) == componentLabel(b)
    }
}
