import Foundation
import OrbitAlignment
import OrbitNumerics

/// Optimal transport between the empirical measures of two clouds of m neurons (rows of two
/// m × d matrices), μ̂ = (1/m) Σ δ_{a_i}, ν̂ = (1/m) Σ δ_{b_j}, with the squared Euclidean cost
/// (Ferbach et al. 2024, docs/math/alignment.md §2).
///
/// Three independent computations of the same number, which Lemma B.3 (Birkhoff–von Neumann, [S])
/// says agree:
/// * ``assignmentCost(_:_:)`` — min over permutations π of (1/m) Σ ||a_i − b_π(i)||², by the exact
///   linear assignment (`LinearAssignment`, Jonker–Volgenant, O(m³));
/// * ``bruteForceCost(_:_:)`` — the same minimum over all m! permutations (m ≤ 8; the known
///   answer for the assignment solver);
/// * ``entropicCost(_:_:epsilon:iterations:)`` — W₂² over all couplings γ ∈ Γ(μ̂, ν̂) (not only
///   permutations), approximated by the alignment library's log-domain Sinkhorn with a small ε:
///   ⟨γ_ε, C⟩ → W₂² as ε → 0.
///   This is the side of the lemma that is not a permutation problem.
public enum NeuronTransport {
    /// C[i, j] = ||a_i − b_j||² (Double), in O(m²d) via ||a||² + ||b||² − 2 a·b (one GEMM).
    public static func squaredDistances(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Matrix<Double> {
        precondition(a.columns == b.columns, "neurons of different dimension: \(a.columns) vs \(b.columns)")
        let g = Matrix.product(a, b, transposeB: .transposed)
        let na = (0..<a.rows).map { i in a.withView { v in v.row(i).reduce(0) { $0 + $1 * $1 } } }
        let nb = (0..<b.rows).map { j in b.withView { v in v.row(j).reduce(0) { $0 + $1 * $1 } } }
        return Matrix(rows: a.rows, columns: b.rows) { out in
            g.withUnsafeBufferPointer { gp in
                for i in 0..<a.rows {
                    for j in 0..<b.rows { out[i * b.rows + j] = max(0, na[i] + nb[j] - 2 * gp[i * b.rows + j]) }
                }
            }
        }
    }

    /// min_π (1/m) Σ_i ||a_i − b_π(i)||² and the optimal π (π[i] is the row of b matched to a_i).
    public static func assignmentCost(_ a: Matrix<Double>, _ b: Matrix<Double>) throws -> (
        cost: Double, permutation: [Int]
    ) {
        precondition(a.rows == b.rows, "clouds of different sizes: \(a.rows) vs \(b.rows)")
        let c = squaredDistances(a, b)
        let assignment = try LinearAssignment.solve(c, objective: .minimize)
        return (assignment.cost / Double(a.rows), assignment.permutation)
    }

    /// The same minimum by enumerating all m! permutations (Heap's algorithm); m ≤ 8.
    public static func bruteForceCost(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Double {
        let m = a.rows
        precondition(m == b.rows && m <= 8, "brute force needs equal sizes m ≤ 8")
        let c = squaredDistances(a, b)
        var p = Array(0..<m)
        func total() -> Double { (0..<m).reduce(0) { $0 + c[$1, p[$1]] } }
        var best = total()
        var counters = [Int](repeating: 0, count: m)
        var i = 0
        while i < m {
            if counters[i] < i {
                p.swapAt(i % 2 == 0 ? 0 : counters[i], i)
                best = min(best, total())
                counters[i] += 1
                i = 0
            } else {
                counters[i] = 0
                i += 1
            }
        }
        return best / Double(m)
    }

    /// ⟨γ_ε, C⟩ for the entropic optimal coupling γ_ε of the uniform measures on the rows of `a`
    /// and `b` (sizes may differ), by the alignment library's log-domain Sinkhorn with ε-scaling
    /// (`sinkhorn(cost:a:b:epsilon:)`). ε is relative to the mean cost (ε_abs = epsilon·mean C).
    /// O(iterations·m·n).
    public static func entropicCost(
        _ a: Matrix<Double>, _ b: Matrix<Double>, epsilon: Double = 1e-3, iterations: Int = 5000
    ) -> Double {
        let c = squaredDistances(a, b)
        let m = a.rows, n = b.rows
        let flat = c.flat
        let eps = epsilon * max(flat.reduce(0, +) / Double(flat.count), 1e-300)
        let result = sinkhorn(
            cost: c, a: [Double](repeating: 1 / Double(m), count: m), b: [Double](repeating: 1 / Double(n), count: n),
            epsilon: eps, maxIterations: iterations)
        let plan = result.plan.flat
        return zip(plan, flat).reduce(0) { $0 + $1.0 * $1.1 }
    }

    /// Least-squares slope of log y against log x (the exponent of a power law y ∝ x^slope).
    public static func logLogSlope(x: [Double], y: [Double]) -> Double {
        let pairs = zip(x, y).filter { $0.0 > 0 && $0.1 > 0 }
        guard pairs.count >= 2 else { return .nan }
        let lx = pairs.map { log($0.0) }, ly = pairs.map { log($0.1) }
        let mx = lx.reduce(0, +) / Double(lx.count), my = ly.reduce(0, +) / Double(ly.count)
        var sxy = 0.0, sxx = 0.0
        for (u, v) in zip(lx, ly) {
            sxy += (u - mx) * (v - my)
            sxx += (u - mx) * (u - mx)
        }
        return sxx > 0 ? sxy / sxx : .nan
    }

    /// Dim(S) = tr(S)² / tr(S²) for a symmetric S (the participation ratio of its eigenvalues,
    /// (Σλ)²/Σλ²; Ferbach et al.'s "approximate dimension", docs/math/alignment.md §6). tr(S²) = ||S||_F²
    /// for symmetric S, so no eigendecomposition is needed: O(n²).
    public static func approximateDimension(_ s: Matrix<Double>) -> Double {
        precondition(s.isSquare, "approximate dimension of a non-square \(s.shapeDescription) matrix")
        let t = s.trace
        let t2 = s.sumOfSquares()
        return t2 > 0 ? t * t / t2 : 0
    }
}
