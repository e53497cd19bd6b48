import OrbitNetworks
import OrbitNumerics

/// h(t), h′(t), h″(t) and the same for h(t)⁻¹ — the second-order jet of one layer's
/// ``GroupElementFlow``, from which γ′ and γ″ of ``OrbitCurve`` follow by the product rule.
struct FlowJet {
    var value: Matrix<Double>
    var first: Matrix<Double>
    var second: Matrix<Double>
    var inverse: Matrix<Double>
    var inverseFirst: Matrix<Double>
    var inverseSecond: Matrix<Double>
}

extension GroupElementFlow {
    /// Closed form of the jet. Principal flow h = e^{tM}: h′ = M·h, h″ = M²·h, (h⁻¹)′ = −h⁻¹·M,
    /// (h⁻¹)″ = h⁻¹·M² (M commutes with e^{tM}). Polar flow, t < ½: the same with M = 2·log P and
    /// time 2t; t ≥ ½ (one-sided at the kink): h = e^{sL}·P with s = 2t − 1, L = log Q, so
    /// h′ = 2L·h, h″ = 4L²·h, h⁻¹ = P⁻¹e^{−sL}, (h⁻¹)′ = −2h⁻¹L, (h⁻¹)″ = 4h⁻¹L².
    /// Cost: the expm of ``element(at:)`` plus a few O(h³) products.
    func jet(at t: Double) -> FlowJet {
        let (h, hInverse) = element(at: t)
        let generator: Matrix<Double>
        switch self {
        case .principal(let m):
            generator = m
        case .polar(let logP, let logQ):
            generator = 2 * (t < 0.5 ? logP : logQ)
        }
        let square = generator * generator
        return FlowJet(
            value: h, first: generator * h, second: square * h,
            inverse: hInverse, inverseFirst: -1 * (hInverse * generator), inverseSecond: hInverse * square)
    }
}

extension OrbitCurve {
    /// γ′(t) and γ″(t) layer by layer, in closed form (Zhao, Dehmamy, Walters, Yu, ICML 2025, §6;
    /// the two-layer case γ′ = (−Ue^{−tM}M, Me^{tM}V) of docs/math/symmetry.md §5 generalised to the chain).
    /// With W_i(t) = A(t)·W_i·B(t), A = g_i(t) (I for the last layer), B = g_{i−1}(t)⁻¹ (I for the first):
    ///
    ///     W_i′ = A′W_iB + AW_iB′,   W_i″ = A″W_iB + 2A′W_iB′ + AW_iB″.
    ///
    /// At the kink t = ½ of a polar-fallback layer the right derivative is returned.
    /// Cost: O(l·h³) (the expm of ``point(at:)`` plus a constant number of products per layer).
    public func derivatives(at t: Double) -> (velocity: [Matrix<Double>], acceleration: [Matrix<Double>]) {
        let jets = flows.map { $0.jet(at: t) }
        let l = start.count
        var velocity: [Matrix<Double>] = []
        var acceleration: [Matrix<Double>] = []
        for i in 0..<l {
            let w = start[i]
            // Left factor A (and derivatives) from g_i, right factor B from g_{i−1}⁻¹; nil means I.
            let left = i < l - 1 ? jets[i] : nil
            let right = i > 0 ? jets[i - 1] : nil
            let aw = left.map { $0.value * w } ?? w
            let a1w = left.map { $0.first * w }
            let a2w = left.map { $0.second * w }
            var v = Matrix<Double>(rows: w.rows, columns: w.columns)
            var acc = Matrix<Double>(rows: w.rows, columns: w.columns)
            let b = right?.inverse
            func times(_ m: Matrix<Double>, _ r: Matrix<Double>?) -> Matrix<Double> { r.map { m * $0 } ?? m }
            if let a1w { v.add(times(a1w, b)) }
            if let right { v.add(aw * right.inverseFirst) }
            if let a2w { acc.add(times(a2w, b)) }
            if let a1w, let right { acc.add(a1w * right.inverseFirst, scaledBy: 2) }
            if let right { acc.add(aw * right.inverseSecond) }
            velocity.append(v)
            acceleration.append(acc)
        }
        return (velocity, acceleration)
    }

    /// γ′(t) as a parameter vector (Float64).
    public func velocity(at t: Double) -> ParameterVector<Double> {
        chain.parameters(derivatives(at: t).velocity, as: Double.self)
    }

    /// The curvature of γ at t, all parameters flattened into one vector (docs/math/symmetry.md §5; the same
    /// formula as `Rose-STL-Lab/Teleportation-Optimization` `compute_curvature`):
    ///
    ///     κ(t) = √(‖γ′‖²‖γ″‖² − ⟨γ′, γ″⟩²) / ‖γ′‖³,
    ///
    /// from the closed-form γ′, γ″ (no finite differences). κ bounds the chord's distance to the
    /// level set in Thm 6.2. Returns 0 where γ′ = 0 (g = I). Cost: that of ``derivatives(at:)``.
    public func curvature(at t: Double) -> Double {
        let (v, a) = derivatives(at: t)
        var vv = 0.0, aa = 0.0, va = 0.0
        for (x, y) in zip(v, a) {
            vv += x.sumOfSquares()
            aa += y.sumOfSquares()
            va += x.withUnsafeBufferPointer { p in
                y.withUnsafeBufferPointer { q in zip(p, q).reduce(0.0) { $0 + $1.0 * $1.1 } }
            }
        }
        guard vv > 0 else { return 0 }
        // Rounding can make the Gram determinant slightly negative for a straight curve.
        return max(vv * aa - va * va, 0).squareRoot() / (vv * vv.squareRoot())
    }
}
