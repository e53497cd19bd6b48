import Foundation
import OrbitNumerics

/// Why Theorem 18's construction was not run: its width hypothesis fails.
public struct StarNotApplicable: Sendable, Hashable, CustomStringConvertible {
    /// m.
    public let width: Int
    /// r, the number of feet.
    public let feet: Int
    /// L.
    public let depth: Int

    /// 1 + r(L − 1), the number of row equations on A_1*.
    public var equations: Int { 1 + feet * (depth - 1) }
    /// The smallest width Theorem 18 covers: m > 1 + r(L − 1).
    public var requiredWidth: Int { equations + 1 }
    /// True when m < 1 + r(L − 1): more equations than rows of A_1*, so for generic feet no centre of
    /// this form exists (the least-squares residual is positive). At m = 1 + r(L − 1) the system is
    /// square and generically solvable, but the theorem's hypothesis (strict) still fails.
    public var overdetermined: Bool { width < equations }

    public var description: String {
        "Theorem 18 does not apply: width m = \(width) is not > 1 + r(L − 1) = \(equations) for r = \(feet) feet "
            + "and depth L = \(depth) (needs m ≥ \(requiredWidth))"
            + (overdetermined ? "; the linear system for A_1* is over-determined" : "")
    }
}

/// A centre built by Theorem 18's construction and the linear system behind it.
public struct DeepLinearStarCentre: Sendable {
    /// θ* = (A_1*, A_2*, …, A_L*).
    public let centre: DeepLinearMinimum
    /// 1 + r(L − 1), the number of row equations.
    public let equations: Int
    /// The numerical rank of the stacked B (equations × m).
    public let rank: Int
    /// ‖B A_1* − RHS‖_F / ‖RHS‖_F of the least-squares solve (≈ 1e-15 when the system is solvable).
    public let relativeResidual: Double
    /// The smallest of B's min(equations, m) singular values (0 when rank deficient).
    public let smallestSingularValue: Double
}

/// Theorem 18's construction, or why it does not apply.
public enum DeepLinearStarResult: Sendable {
    case constructed(DeepLinearStarCentre)
    case doesNotApply(StarNotApplicable)

    /// The centre, if constructed.
    public var centre: DeepLinearStarCentre? {
        if case .constructed(let c) = self { return c }
        return nil
    }
}

/// Star-shaped linear connectivity of deep linear networks (Lin, Li & Wu 2024, Theorem 18, and its
/// two-foot case Theorem 16; docs/math/star.md §3).
///
/// **Form implemented.** For feet θ_i = (A_1⁽ⁱ⁾, …, A_L⁽ⁱ⁾) with A_L⁽ⁱ⁾⋯A_1⁽ⁱ⁾ = Q, i ∈ [r], the arm
/// Π_l (tA_l⁽ⁱ⁾ + (1 − t)A_l*) = Σ_k t^k(1 − t)^{L−k} σ_{i,k,L}, where σ_{i,k,L} sums the C(L, k)
/// ordered products with exactly k factors from foot i. The arm lies in the minimum set for all t
/// iff σ_{i,k,L} = C(L, k)·Q for every k (match the Bernstein coefficients of Q = Q·Σ_k C(L,k)t^k(1−t)^{L−k}).
/// Choosing A_L*, …, A_2* at random (i.i.d. Gaussian, generic with probability one — the role of the
/// paper's inductive choice and Assumption 26) makes every condition linear in A_1*:
///
///     σ_{i,k,L} = B_{i,k} A_1* + C_{i,k},  B_{i,k} = σ_{i,k,L−1}(layers L..2),
///     C_{i,k} = σ_{i,k−1,L−1}(layers L..2)·A_1⁽ⁱ⁾,
///
/// for k = 0 … L − 1 (k = 0 is the same equation, "θ* is a minimum", for every foot; k = L holds
/// because each foot is a minimum). The 1 + r(L − 1) row equations B A_1* = RHS are solved in the
/// least-squares, minimum-norm sense through the SVD (LAPACK `gesdd`), never by hand elimination.
/// The B_{i,k} are built by the recursion S_k ← S_k A_l* + S_{k−1} A_l⁽ⁱ⁾ from the output layer down.
///
/// The theorem assumes m > 1 + r(L − 1); ``construct(feet:target:generator:)`` returns
/// ``DeepLinearStarResult/doesNotApply(_:)`` otherwise (typed: ``StarNotApplicable``), while
/// ``solveCentre(feet:target:generator:)`` always solves the system so that the failure below the
/// threshold can be measured. *Ambiguity resolved:* the system has exactly as many equations as
/// unknown rows at m = 1 + r(L − 1); there it is square and generically invertible, so the
/// construction also works at equality — the theorem's strict inequality is what its proof (Lemma 25,
/// r_2 > p + q) needs, and we report that case as "does not apply" to follow the statement.
///
/// Cost: O(r·L·m²) for the B rows, O(r·L·m²·d) for the C rows, one SVD of (1 + r(L−1))×m.
public enum DeepLinearStar {
    /// 1 + r(L − 1).
    public static func equationCount(feet r: Int, depth: Int) -> Int { 1 + r * (depth - 1) }

    /// Theorem 18's hypothesis m > 1 + r(L − 1).
    public static func theoremApplies(width m: Int, feet r: Int, depth: Int) -> Bool {
        m > equationCount(feet: r, depth: depth)
    }

    /// Theorem 18: a centre linearly connected to every foot when m > 1 + r(L − 1), else the typed
    /// reason it does not apply.
    public static func construct(
        feet: [DeepLinearMinimum], target q: Matrix<Double>, generator g: inout SeededGenerator
    ) throws(ConstructionError) -> DeepLinearStarResult {
        try validate(feet, q)
        let m = feet[0].width, depth = feet[0].depth
        guard theoremApplies(width: m, feet: feet.count, depth: depth) else {
            return .doesNotApply(StarNotApplicable(width: m, feet: feet.count, depth: depth))
        }
        return .constructed(try solveCentre(feet: feet, target: q, generator: &g))
    }

    /// Theorem 16 (almost-sure part): two minima of a depth-L linear network of width m > 2L − 1 are
    /// 2-piece linearly connected. Implemented as Theorem 18 with r = 2 (1 + 2(L − 1) = 2L − 1, the
    /// same threshold), which for L = 2 is the system of Prop. 23.
    public static func twoPieceCentre(
        _ a: DeepLinearMinimum, _ b: DeepLinearMinimum, target q: Matrix<Double>, generator g: inout SeededGenerator
    ) throws(ConstructionError) -> DeepLinearStarResult {
        try construct(feet: [a, b], target: q, generator: &g)
    }

    /// The construction's linear system solved in the least-squares sense for any width (exact when
    /// it is solvable; with a positive residual, and arms off the minimum set, when it is not).
    public static func solveCentre(
        feet: [DeepLinearMinimum], target q: Matrix<Double>, generator g: inout SeededGenerator
    ) throws(ConstructionError) -> DeepLinearStarCentre {
        try validate(feet, q)
        let m = feet[0].width, depth = feet[0].depth, d = q.columns
        // A_2* … A_L*, generic.
        var upper: [Matrix<Double>] = []
        for l in 2...depth {
            let rows = l == depth ? 1 : m
            let sd = l == depth ? 1 : 1 / Double(m).squareRoot()
            upper.append(Matrix<Double>.normal(rows: rows, columns: m, standardDeviation: sd, generator: &g))
        }
        var bRows: [[Double]] = []
        var rhsRows: [[Double]] = []
        for (index, foot) in feet.enumerated() {
            // S_k for the layers L..2, k = number of factors taken from the foot.
            var s: [Matrix<Double>] = [upper[depth - 2], foot.factors[depth - 1]]
            for l in stride(from: depth - 2, through: 1, by: -1) {
                let star = upper[l - 1], own = foot.factors[l]
                var next = s.map { $0 * star }
                next.append(Matrix(rows: 1, columns: m))
                for k in 1..<next.count { next[k] = next[k] + s[k - 1] * own }
                s = next
            }
            // s has L entries, k = 0 … L − 1.
            for k in (index == 0 ? 0 : 1)..<depth {
                bRows.append(s[k].flat)
                var rhs = Double(binomial(depth, k)) * q
                if k >= 1 { rhs = rhs - s[k - 1] * foot.factors[0] }
                rhsRows.append(rhs.flat)
            }
        }
        let b = Matrix<Double>(bRows), rhs = Matrix<Double>(rhsRows)
        let svd: SingularValueDecomposition<Double>
        do { svd = try SingularValueDecomposition(b) } catch { throw .linearAlgebra(error) }
        let sigma = svd.singularValues
        let tolerance = Double(max(b.rows, b.columns)) * Double.ulpOfOne * (sigma.first ?? 0)
        let rank = sigma.filter { $0 > tolerance }.count
        // A_1* = V Σ⁺ Uᵀ RHS (minimum norm).
        var projected = svd.u.transposed() * rhs
        for i in 0..<projected.rows {
            let inverse = sigma[i] > tolerance ? 1 / sigma[i] : 0
            for j in 0..<d { projected[i, j] *= inverse }
        }
        let first = svd.vt.transposed() * projected
        let residual = (b * first - rhs).sumOfSquares().squareRoot() / max(rhs.sumOfSquares().squareRoot(), 1e-300)
        let centre = try DeepLinearMinimum(factors: [first] + upper)
        return DeepLinearStarCentre(
            centre: centre, equations: b.rows, rank: rank, relativeResidual: residual,
            smallestSingularValue: sigma.count == min(b.rows, b.columns) ? (sigma.last ?? 0) : 0)
    }

    /// Population loss ‖Π_l(tA_l⁽ⁱ⁾ + (1 − t)A_l*) − Q‖² (Σ = I) at each t along the arm foot → centre
    /// (t = 1 at the foot, the paper's γ(t) = tθ_i + (1 − t)θ*). O(|t|·L·m²·d).
    public static func armLosses(
        foot: DeepLinearMinimum, centre: DeepLinearMinimum, target q: Matrix<Double>, t: [Double]
    ) -> [Double] {
        t.map { foot.interpolated(to: centre, weight: $0).populationLoss(target: q) }
    }

    static func validate(_ feet: [DeepLinearMinimum], _ q: Matrix<Double>) throws(ConstructionError) {
        guard let first = feet.first else { throw .invalidSetting("a star needs at least one foot") }
        guard q.rows == 1, q.columns == first.inputDimension else {
            throw .shapeMismatch(tensor: "Q", expected: "1×\(first.inputDimension)", got: q.shapeDescription)
        }
        for (i, foot) in feet.enumerated() {
            guard foot.depth == first.depth,
                zip(foot.factors, first.factors).allSatisfy({ $0.rows == $1.rows && $0.columns == $1.columns })
            else {
                throw .shapeMismatch(
                    tensor: "foot \(i)", expected: first.factors.map(\.shapeDescription).joined(separator: ", "),
                    got: foot.factors.map(\.shapeDescription).joined(separator: ", "))
            }
            for l in 1..<(first.depth - 1) where foot.factors[l].rows != first.width {
                throw .invalidSetting(
                    "the construction needs equal hidden widths; layer \(l + 1) has \(foot.factors[l].rows)")
            }
            let error = (foot.product - q).maxMagnitude()
            guard error <= 1e-8 * max(1, q.maxMagnitude()) else {
                throw .notAMinimum("foot \(i) has A_L⋯A_1 − Q of size \(error)")
            }
        }
    }

    static func binomial(_ n: Int, _ k: Int) -> Int {
        var result = 1
        for i in 0..<k { result = result * (n - i) / (i + 1) }
        return result
    }
}
