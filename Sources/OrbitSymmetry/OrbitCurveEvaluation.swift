import OrbitNetworks
import OrbitNumerics

extension OrbitCurve {
    /// The mean squared error (1/n)·Σᵢ‖yᵢ − f(xᵢ; γ(t))‖² at every t — the loss profile of the symmetry
    /// curve (Zhao, Dehmamy, Walters, Yu, ICML 2025, Eq. 5), the same number ``PathEvaluator`` gives
    /// with `.meanSquaredError`, computed the fast way for a linear chain:
    ///
    /// 1. each principal layer's g_k(t) = e^{tM_k} and its inverse e^{−tM_k} come from one
    ///    ``ExponentialFamily`` (one eigendecomposition of M_k = log g_k, then a GEMM per t; the
    ///    expm fallback when the eigenvectors are ill-conditioned); polar-fallback layers use
    ///    ``GroupElementFlow/element(at:)``;
    /// 2. the acted weights W_k(t) are formed (the action itself, as in ``weights(at:)``), and then their
    ///    product P(t) = W_l(t)⋯W₁(t) (d_l × d₀) — for a linear chain f(x; γ(t)) = P(t)·x, so the
    ///    forward pass over n samples costs n·d₀·d_l instead of n·Σ h_k h_{k−1};
    /// 3. the forward passes of all t are batched: X·[P(t₁)ᵀ … P(t_T)ᵀ] in one GEMM per chunk of 32 t.
    ///
    /// Cost: O(l·h³) per t plus 2·n·d₀·d_l·T for the batched forward pass (`inputs` n × d₀,
    /// `targets` n × d_l).
    public func meanSquaredErrorProfile(inputs: Matrix<Double>, targets: Matrix<Double>, t: [Double])
        throws(SymmetryError) -> [Double]
    {
        let families: [ExponentialFamily?]
        do {
            families = try flows.map { flow throws(LinearAlgebraError) -> ExponentialFamily? in
                if case .principal(let m) = flow { return try ExponentialFamily(generator: m) }
                return nil
            }
        } catch { throw .numerics(error) }
        let d0 = chain.sizes.first!
        let dl = chain.sizes.last!
        let n = inputs.rows
        var losses: [Double] = []
        let chunk = 32
        var first = 0
        while first < t.count {
            let times = Array(t[first..<min(first + chunk, t.count)])
            var stacked = Matrix<Double>(rows: d0, columns: dl * times.count)
            for (c, time) in times.enumerated() {
                var elements: [Matrix<Double>] = []
                var inverses: [Matrix<Double>] = []
                for (family, flow) in zip(families, flows) {
                    if let family {
                        elements.append(family.exp(time))
                        inverses.append(family.exp(-time))
                    } else {
                        let (g, gInverse) = flow.element(at: time)
                        elements.append(g)
                        inverses.append(gInverse)
                    }
                }
                let w = GeneralLinearChainAction.act(start, elements: elements, inverses: inverses)
                let product = w.dropFirst().reduce(w[0]) { $1 * $0 }
                for i in 0..<d0 { for j in 0..<dl { stacked[i, c * dl + j] = product[j, i] } }
            }
            let outputs = inputs * stacked
            outputs.withUnsafeBufferPointer { o in
                targets.withUnsafeBufferPointer { y in
                    let width = outputs.columns
                    for c in 0..<times.count {
                        var total = 0.0
                        for i in 0..<n {
                            let row = i * width + c * dl
                            for j in 0..<dl {
                                let d = o[row + j] - y[i * dl + j]
                                total += d * d
                            }
                        }
                        losses.append(total / Double(max(n, 1)))
                    }
                }
            }
            first += chunk
        }
        return losses
    }
}
