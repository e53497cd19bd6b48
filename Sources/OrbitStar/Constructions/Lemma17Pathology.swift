import OrbitNetworks
import OrbitNumerics

/// Lemma 17 of Lin, Li & Wu 2024 (docs/math/star.md §3): a deep linear pair that is **not** 2-piece linearly
/// connected, with a quantitative bound.
///
/// Setting: L = 2, d = 1, width m = 4, target y = x, so the minimum set is {(a, b) : aᵀb = 1}
/// (a = output row A_2 ∈ ℝ^{1×4}, b = input column A_1 ∈ ℝ^{4×1}; in Orbit `linear:1-4-1`).
/// Feet θ1 = (e_1ᵀ, e_1), θ2 = (−e_1ᵀ, −e_1). The lemma: for every centre θ = (a, b) with aᵀb = 1,
///
///     J(θ) = ∫_0^1 [R(tθ1 + (1 − t)θ) + R(tθ2 + (1 − t)θ)] dt ≥ (4/15)·E x².
///
/// **Closed form (implemented and checked).** On the arm to θ_i the product is
/// t²·1 + (1 − t)²·1 + t(1 − t)s_i with s_1 = a_1 + b_1 and s_2 = −(a_1 + b_1), so the residual is
/// t(1 − t)(s_i − 2) and R = t²(1 − t)²(s_i − 2)²·E x². With ∫ t²(1 − t)² dt = 1/30,
/// J = (2s² + 8)/30 · E x² for s = a_1 + b_1: the bound 8/30 = 4/15 is attained exactly at s = 0
/// (Remark 24's conditions s = 2 and s = −2 for zero loss on each arm contradict). On a sample the same
/// identity holds with E x² replaced by the sample mean of x², so the measured J is the closed form up
/// to rounding. The straight line θ1 → θ2 passes through θ = 0 with loss E x² (its path-max barrier).
public enum Lemma17Pathology {
    /// m = 4.
    public static let width = 4
    /// 4/15, the factor of E x² in the bound.
    public static let boundFactor = 4.0 / 15.0

    /// The network `linear:1-4-1`.
    public static var network: Network { DeepLinearMinimum.network(inputDimension: 1, width: width, depth: 2) }

    /// Target Q = [1] (y = x).
    public static var target: Matrix<Double> { Matrix([[1]]) }

    /// The point (a, b) as a ``DeepLinearMinimum`` (A_1 = b as a column, A_2 = a as a row).
    public static func point(outputRow a: [Double], inputColumn b: [Double]) -> DeepLinearMinimum {
        precondition(a.count == width && b.count == width, "Lemma 17 uses width 4")
        return try! DeepLinearMinimum(factors: [Matrix(rows: width, columns: 1, flat: b), Matrix([a])])
    }

    /// θ1 = (e_1ᵀ, e_1) and θ2 = (−e_1ᵀ, −e_1).
    public static var feet: (DeepLinearMinimum, DeepLinearMinimum) {
        (
            point(outputRow: [1, 0, 0, 0], inputColumn: [1, 0, 0, 0]),
            point(outputRow: [-1, 0, 0, 0], inputColumn: [-1, 0, 0, 0])
        )
    }

    /// The one-parameter family of centres a = (s/2, 1, 0, 0), b = (s/2, 1 − s²/4, 0, 0): aᵀb = 1 and
    /// a_1 + b_1 = s. s = 0 is an optimal centre.
    public static func centre(s: Double) -> DeepLinearMinimum {
        point(outputRow: [s / 2, 1, 0, 0], inputColumn: [s / 2, 1 - s * s / 4, 0, 0])
    }

    /// A random centre on the minimum set: a ~ N(0, I), b = g + a(1 − aᵀg)/‖a‖² with g ~ N(0, I).
    public static func randomCentre(generator g: inout SeededGenerator) -> DeepLinearMinimum {
        let a = (0..<width).map { _ in g.nextGaussian() }
        let gaussian = (0..<width).map { _ in g.nextGaussian() }
        let ag = zip(a, gaussian).map(*).reduce(0, +), aa = a.map { $0 * $0 }.reduce(0, +)
        let b = zip(gaussian, a).map { $0 + $1 * (1 - ag) / aa }
        return point(outputRow: a, inputColumn: b)
    }

    /// J(θ)/E x² = (2s² + 8)/30 with s = a_1 + b_1 (θ must be a minimum).
    public static func armIntegralFactor(centre: DeepLinearMinimum) -> Double {
        let s = centre.factors[1][0, 0] + centre.factors[0][0, 0]
        return (2 * s * s + 8) / 30
    }
}
