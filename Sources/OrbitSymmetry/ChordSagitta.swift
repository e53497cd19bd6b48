import OrbitNetworks
import OrbitNumerics
import OrbitPaths

/// The curvature of a curve in parameter space, all parameters flattened into one vector (docs/math/symmetry.md
/// §5; the formula of `Rose-STL-Lab/Teleportation-Optimization` `compute_curvature`):
///
///     κ = √(‖γ′‖²‖γ″‖² − ⟨γ′, γ″⟩²) / ‖γ′‖³,
///
/// 0 where γ′ = 0. Cost: O(P) for P parameters.
public func curvature(velocity v: [Double], acceleration a: [Double]) -> Double {
    var vv = 0.0
    var aa = 0.0
    var va = 0.0
    for (x, y) in zip(v, a) {
        vv += x * x
        aa += y * y
        va += x * y
    }
    guard vv > 0 else { return 0 }
    // Rounding can make the Gram determinant slightly negative for a straight curve.
    return max(vv * aa - va * va, 0).squareRoot() / (vv * vv.squareRoot())
}

extension ParameterPath {
    /// κ(t) of any path from central differences, γ′ ≈ (γ(t+δ) − γ(t−δ))/2δ and
    /// γ″ ≈ (γ(t+δ) − 2γ(t) + γ(t−δ))/δ² (evaluated in Float64; t ± δ may leave [0, 1] when the path
    /// is defined there). Truncation error O(δ²), rounding O(ε/δ²)·‖γ‖: δ = 1e-4 gives ~1e-7
    /// relative accuracy for smooth paths. ``OrbitCurve`` has the closed form
    /// (``OrbitCurve/curvature(at:)``). Cost: three points.
    public func finiteDifferenceCurvature(at t: Double, step: Double = 1e-4) -> Double {
        let plus = point(at: t + step).flat.map { Double($0) }
        let centre = point(at: t).flat.map { Double($0) }
        let minus = point(at: t - step).flat.map { Double($0) }
        let v = zip(plus, minus).map { ($0 - $1) / (2 * step) }
        let a = (0..<centre.count).map { (plus[$0] - 2 * centre[$0] + minus[$0]) / (step * step) }
        return curvature(velocity: v, acceleration: a)
    }
}

/// Theorem 6.2 of Zhao, Dehmamy, Walters, Yu (ICML 2025) (docs/math/symmetry.md §5; display [S],
/// reconstructed by the note-taker): a curve in the level set from w₁ to w₂ with curvature ≤ κ and
/// chord D = ‖w₂ − w₁‖, κD ≤ 2, keeps every chord point within
///
///     d_max = (1/κ)(1 − √(1 − (κD/2)²))   (≈ κD²/8 for small κD)
///
/// of the level set — the sagitta of a circular arc of radius 1/κ over a chord of length D.
/// As a geometric fact it needs an arc-like curve (one that does not wind back); we check it
/// numerically rather than assume it.
public enum Sagitta {
    /// d_max, or nil when the hypothesis κD ≤ 2 fails. κ = 0 (a straight curve) gives 0.
    public static func bound(curvature kappa: Double, chordLength d: Double) -> Double? {
        guard kappa * d <= 2 else { return nil }
        if kappa == 0 { return 0 }
        let half = kappa * d / 2
        // 1 − √(1 − x²) = x²/(1 + √(1 − x²)): no cancellation for small κD.
        return half * half / (1 + (1 - half * half).squareRoot()) / kappa
    }
}

/// The measured side of Thm 6.2 for one orbit curve: κ along the curve, the chord, the bound and the
/// chord points' distance to the curve.
public struct ChordSagittaReport: Sendable {
    /// The t grid of the curvature samples.
    public var curvatureT: [Double]
    public var curvature: [Double]
    /// max κ over the grid (an estimate of the supremum).
    public var maximumCurvature: Double
    /// D = ‖w′ − w‖.
    public var chordLength: Double
    /// κ_max·D.
    public var product: Double { maximumCurvature * chordLength }
    /// d_max, nil when κ_max·D > 2 (the theorem does not apply).
    public var bound: Double?
    /// The chord parameters s and dist((1−s)w + s·w′, γ): the distance to the curve, an upper bound on
    /// the distance to the level set (γ lies in it).
    public var chordS: [Double]
    public var distanceToCurve: [Double]
    public var maximumDistance: Double { distanceToCurve.max() ?? 0 }
}

extension OrbitCurve {
    /// Thm 6.2's quantities for this curve: κ(t) in closed form on `curvaturePoints` points, D, d_max,
    /// and for `chordPoints` chord points the distance to γ — minimised over a `curvePoints` grid of
    /// γ, then refined by golden-section search on the bracketing interval (40 steps).
    /// Cost: O((curvaturePoints + curvePoints + 40·chordPoints)·l·h³).
    public func chordSagitta(curvaturePoints: Int = 101, chordPoints: Int = 21, curvePoints: Int = 201)
        -> ChordSagittaReport
    {
        let kt = (0..<curvaturePoints).map { Double($0) / Double(curvaturePoints - 1) }
        let kappa = kt.map { curvature(at: $0) }
        let flatAt = { (t: Double) in weights(at: t).flatMap(\.flat) }
        let w0 = flatAt(0)
        let w1 = flatAt(1)
        func distance(_ a: [Double], _ b: [Double]) -> Double {
            zip(a, b).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
        }
        let chord = distance(w0, w1)
        let kappaMax = kappa.max() ?? 0
        let grid = (0..<curvePoints).map { Double($0) / Double(curvePoints - 1) }
        let samples = grid.map(flatAt)
        let s = (0..<chordPoints).map { Double($0) / Double(chordPoints - 1) }
        let golden = (5.0.squareRoot() - 1) / 2
        let distances = s.map { si -> Double in
            let p = zip(w0, w1).map { (1 - si) * $0 + si * $1 }
            let d = samples.map { distance($0, p) }
            let best = d.indices.min { d[$0] < d[$1] }!
            var lo = grid[max(best - 1, 0)]
            var hi = grid[min(best + 1, curvePoints - 1)]
            var result = d[best]
            for _ in 0..<40 {
                let a = hi - golden * (hi - lo)
                let b = lo + golden * (hi - lo)
                let da = distance(flatAt(a), p)
                let db = distance(flatAt(b), p)
                result = min(result, da, db)
                if da < db { hi = b } else { lo = a }
            }
            return result
        }
        return ChordSagittaReport(
            curvatureT: kt, curvature: kappa, maximumCurvature: kappaMax, chordLength: chord,
            bound: Sagitta.bound(curvature: kappaMax, chordLength: chord), chordS: s, distanceToCurve: distances)
    }
}
