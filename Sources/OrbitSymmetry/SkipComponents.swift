import OrbitNumerics

/// The connected components of a sampled minimum, found by connectivity of the sample (not by
/// labels): how many, their sizes, and each sample's component.
public struct SampledComponents: Sendable, Equatable {
    /// Components of the sample graph.
    public var count: Int
    /// Their sizes (number of sample points), largest first.
    public var sizes: [Int]
    /// Components holding at least 1 % of the points (tiny fragments at the edge of the sampled window
    /// are reported separately rather than hidden).
    public var majorCount: Int
    /// The component index of each point (−1: the point is not on the sampled part of the minimum).
    public var labels: [Int]
    /// The number of points on the minimum.
    public var points: Int
}

/// Component counts for the minimum of the skip-connected linear net of Zhao, Dehmamy, Walters, Yu
/// (ICML 2025), Prop 4.3 (docs/math/symmetry.md §3):
///
///     L(W₁, W₂, W₃) = ‖Y − W₃(W₂W₁X + εX)‖²,
///
/// proved for scalar weights (h = 1): 3 components for ε ≠ 0, 4 for ε = 0. Both counts here use the
/// connectivity of a sample of the minimum, independent of the sign labels of Cor 4.2:
///
/// - ``grid(epsilon:x:y:halfWidth:resolution:bound:tolerance:)`` (h = 1): a flood fill (union-find)
///   over a fine grid of (W₁, W₂). At each grid point the loss is quadratic in W₃; the point is on
///   the minimum when min_{W₃} L = 0 (W₂W₁ + ε ≠ 0), with W₃ = Y/(X(W₂W₁ + ε)), kept when
///   |W₃| ≤ `bound` (a window of the unbounded set). Neighbouring grid points are joined when the
///   loss at the midpoint of the 3-D segment between them is at most `tolerance`·Y² — a purely
///   loss-based test (two points on one smooth sheet have a near-zero midpoint loss; across the
///   hyperbola W₂W₁ = −ε, W₃ changes sign and the midpoint loss is ≥ Y²).
/// - ``sampled(width:epsilon:samples:seed:)`` (any h, X = Y = I): random points of
///   the minimum, parametrised by (W₁, W₂) with W₃ = (W₂W₁ + εI)⁻¹; two points are joined when the
///   straight path between their (W₁, W₂) stays on the minimum (the polynomial det(W₂(t)W₁(t) + εI)
///   has no root in [0, 1], found from its companion matrix), then unmatched components are tried
///   once more through random intermediate points. Straight-path graphs can only over-count (a
///   missed path splits a component), so the count is an upper bound on |π₀| of the sampled region.
///   For h > 1 the paper proves nothing; this is our experiment [R].
public enum SkipMinimumComponents {
    /// The grid flood fill for scalar weights. Returns the components with `labels[i·resolution + j]`
    /// for W₁ = −halfWidth + i·step, W₂ = −halfWidth + j·step. Cost: O(resolution²).
    public static func grid(
        epsilon: Double, x: Double = 1, y: Double = 1, halfWidth: Double = 3, resolution: Int = 241,
        bound: Double = 10, tolerance: Double = 0.05
    ) -> SampledComponents {
        let n = resolution
        let step = 2 * halfWidth / Double(n - 1)
        let coordinate = { (i: Int) in -halfWidth + Double(i) * step }
        var w3 = [Double](repeating: .nan, count: n * n)
        var member = [Bool](repeating: false, count: n * n)
        for i in 0..<n {
            for j in 0..<n {
                let u = x * (coordinate(j) * coordinate(i) + epsilon)
                guard u != 0 else { continue }
                let value = y / u
                if abs(value) <= bound {
                    w3[i * n + j] = value
                    member[i * n + j] = true
                }
            }
        }
        func midpointLoss(_ a: Int, _ b: Int) -> Double {
            let w1 = (coordinate(a / n) + coordinate(b / n)) / 2
            let w2 = (coordinate(a % n) + coordinate(b % n)) / 2
            let v3 = (w3[a] + w3[b]) / 2
            let r = y - v3 * (w2 * w1 * x + epsilon * x)
            return r * r
        }
        var sets = UnionFind(n * n)
        for i in 0..<n {
            for j in 0..<n where member[i * n + j] {
                let a = i * n + j
                if i + 1 < n, member[a + n], midpointLoss(a, a + n) <= tolerance * y * y { sets.union(a, a + n) }
                if j + 1 < n, member[a + 1], midpointLoss(a, a + 1) <= tolerance * y * y { sets.union(a, a + 1) }
            }
        }
        return summary(&sets, member)
    }

    /// The sampled path-connectivity count for width h (X = Y = I). Cost: O(samples²·h⁴).
    public static func sampled(width h: Int, epsilon: Double, samples: Int, seed: UInt64)
        -> SampledComponents
    {
        var generator = SeededGenerator(seed: seed &+ UInt64(7919 * h))
        let scale = 1.5 / Double(h).squareRoot()
        let identity = Matrix<Double>.identity(h)
        func determinant(_ w1: Matrix<Double>, _ w2: Matrix<Double>) -> Double {
            (try? (w2 * w1 + epsilon * identity).determinant()) ?? 0
        }
        var points: [(Matrix<Double>, Matrix<Double>)] = []
        while points.count < samples {
            let w1 = Matrix<Double>.normal(rows: h, columns: h, standardDeviation: scale, generator: &generator)
            let w2 = Matrix<Double>.normal(rows: h, columns: h, standardDeviation: scale, generator: &generator)
            if determinant(w1, w2) != 0 { points.append((w1, w2)) }
        }
        // The straight path stays on the minimum iff p(t) = det(W₂(t)W₁(t) + εI), a polynomial of degree ≤ 2h,
        // has no root in [0, 1]: p is interpolated at 2h + 1 Chebyshev points and its roots are the
        // eigenvalues of the companion matrix (LAPACK) — exact up to rounding, unlike a sign test on a grid,
        // which misses two close roots.
        func joined(_ a: (Matrix<Double>, Matrix<Double>), _ b: (Matrix<Double>, Matrix<Double>)) -> Bool {
            let values = { (t: Double) in
                determinant((1 - t) * a.0 + t * b.0, (1 - t) * a.1 + t * b.1)
            }
            return !Self.hasRoot(degree: 2 * h, on: values)
        }
        var sets = UnionFind(samples)
        for i in 0..<samples {
            for j in (i + 1)..<samples where sets.find(i) != sets.find(j) && joined(points[i], points[j]) {
                sets.union(i, j)
            }
        }
        // Second chance: two-segment paths through fresh random points, tried from a few members of each
        // remaining component (cheap: components are few).
        for _ in 0..<2 * samples {
            var members: [Int: [Int]] = [:]
            for i in 0..<samples { members[sets.find(i), default: []].append(i) }
            if members.count == 1 { break }
            let m = (
                Matrix<Double>.normal(rows: h, columns: h, standardDeviation: 2 * scale, generator: &generator),
                Matrix<Double>.normal(rows: h, columns: h, standardDeviation: 2 * scale, generator: &generator)
            )
            guard determinant(m.0, m.1) != 0 else { continue }
            var attached: [Int] = []
            for (_, list) in members.sorted(by: { $0.key < $1.key }) {
                if let i = list.prefix(3).first(where: { joined(points[$0], m) }) { attached.append(i) }
            }
            for k in attached.dropFirst() { sets.union(attached[0], k) }
        }
        return summary(&sets, Array(repeating: true, count: samples))
    }

    /// Whether the polynomial p of degree ≤ `degree` (given by its values) has a real root in [0, 1].
    /// p(t) = q(u), u = 2t − 1, is interpolated at the Chebyshev points u_j = cos((2j+1)π/(2(d+1))) by
    /// an LU solve of the Vandermonde system, leading coefficients below 1e-12 of the largest are
    /// dropped, and the roots are the eigenvalues of the companion matrix; a root counts when its
    /// imaginary part is ≤ 1e-7 (a pair of nearly touching roots is treated as a crossing).
    /// Cost: O(d³).
    static func hasRoot(degree d: Int, on p: (Double) -> Double) -> Bool {
        let nodes = (0...d).map { Double.cos((2 * Double($0) + 1) * Double.pi / (2 * Double(d + 1))) }
        let values = nodes.map { p(($0 + 1) / 2) }
        if values.contains(where: { $0 == 0 || !$0.isFinite }) { return true }
        var vandermonde = Matrix<Double>(rows: d + 1, columns: d + 1)
        for (i, u) in nodes.enumerated() {
            var power = 1.0
            for j in 0...d {
                vandermonde[i, j] = power
                power *= u
            }
        }
        guard let solved = try? vandermonde.solve(Matrix(rows: d + 1, columns: 1, flat: values)) else { return true }
        var coefficients = (0...d).map { solved[$0, 0] }
        let largest = coefficients.map(abs).max() ?? 0
        while coefficients.count > 1, abs(coefficients.last!) <= 1e-12 * largest { coefficients.removeLast() }
        let degree = coefficients.count - 1
        if degree == 0 { return false }
        var companion = Matrix<Double>(rows: degree, columns: degree)
        for j in 0..<degree { companion[0, j] = -coefficients[degree - 1 - j] / coefficients[degree] }
        for i in 1..<degree { companion[i, i - 1] = 1 }
        guard let eigen = try? Eigendecomposition(companion, computeEigenvectors: false) else { return true }
        for (re, im) in zip(eigen.eigenvaluesReal, eigen.eigenvaluesImaginary)
        where abs(im) <= 1e-7 * max(1, abs(re)) && re >= -1 - 1e-9 && re <= 1 + 1e-9 {
            return true
        }
        return false
    }

    static func summary(_ sets: inout UnionFind, _ member: [Bool]) -> SampledComponents {
        let (labels, sizes) = sets.components(of: member)
        let total = sizes.reduce(0, +)
        return SampledComponents(
            count: sizes.count, sizes: sizes, majorCount: sizes.filter { Double($0) >= 0.01 * Double(total) }.count,
            labels: labels, points: total)
    }
}
