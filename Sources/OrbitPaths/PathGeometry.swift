import OrbitNetworks
import OrbitNumerics

extension AffinePath {
    /// The Gram matrix G_ij = ⟨P_i, P_j⟩ (Float64), from which every length follows without touching
    /// θ again: ‖Σ a_i P_i‖² = aᵀGa. O(k²·|θ|) once.
    public func gramMatrix() -> Matrix<Double> {
        let k = controlPoints.count
        var g = Matrix<Double>(rows: k, columns: k)
        let points = controlPoints.map { $0.converted(to: Double.self) }
        for i in 0..<k {
            for j in i..<k {
                let v = points[i].dot(points[j])
                g[i, j] = v
                g[j, i] = v
            }
        }
        return g
    }

    /// The arc length ∫₀¹ ‖θ′(t)‖ dt: exact (sum of segment lengths) for lines and chains; for a
    /// Bézier curve, composite 8-point Gauss–Legendre quadrature on `pieces` sub-intervals of the
    /// speed √(c′(t)ᵀ G c′(t)).
    public func length(pieces: Int = 16) -> Double {
        let g = gramMatrix()
        func norm(_ a: [Double]) -> Double {
            var s = 0.0
            for i in a.indices { for j in a.indices { s += a[i] * g[i, j] * a[j] } }
            return max(s, 0).squareRoot()
        }
        switch kind {
        case .line, .foldLine, .polygonalChain:
            var total = 0.0
            for j in 0..<(controlPoints.count - 1) {
                var a = [Double](repeating: 0, count: controlPoints.count)
                a[j] = -1
                a[j + 1] = 1
                total += norm(a)
            }
            return total
        case .bezier:
            let rule = GaussLegendreRule(points: 8)
            var total = 0.0
            for p in 0..<pieces {
                let lo = Double(p) / Double(pieces), hi = Double(p + 1) / Double(pieces)
                total += rule.mapped(to: lo...hi).integrate { norm(coefficientDerivatives(at: $0)) }
            }
            return total
        }
    }

    /// The end points' distance ‖θ(1) − θ(0)‖.
    public var chordLength: Double {
        controlPoints.first!.converted(to: Double.self).distance(to: controlPoints.last!.converted(to: Double.self))
    }

    /// length / ‖θ(1) − θ(0)‖ ≥ 1: for a fold-line through c this is (‖θ₁ − c‖ + ‖c − θ₂‖)/‖θ₁ − θ₂‖,
    /// the upper bound on the normalised geodesic distance of Lin et al. 2024 (Def 4, Eq. 8) that a
    /// low-loss fold-line certifies.
    public var normalizedLength: Double { length() / chordLength }
}
