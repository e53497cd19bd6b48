import Foundation
import OrbitNumerics

/// Entropic optimal transport by Sinkhorn's iterations in the log domain (Cuturi 2013; the stabilised
/// form of Peyré & Cuturi, "Computational Optimal Transport", §4.4): the plan
///
///     P = argmin_{P ∈ Π(a, b)} ⟨P, C⟩ − ε H(P),   P_ij = exp((f_i + g_j − C_ij) / ε),
///
/// found by alternating the dual updates f_i = ε log a_i − ε LSE_j((g_j − C_ij)/ε) and
/// g_j = ε log b_j − ε LSE_i((f_i − C_ij)/ε), which never overflow however small ε is. After each
/// g-update the column sums are exact; iteration stops when the row marginal error Σ_i |P𝟙 − a|_i
/// falls below `tolerance` or after `maxIterations`. As ε → 0 the plan tends to an optimal
/// unregularised plan (for uniform weights on equal sizes, a permutation / n — Birkhoff).
///
/// Small ε converges slowly from cold potentials, so the potentials are warmed by ε-scaling (Schmitzer
/// 2019): phases with ε_k = max(ε, max C / 2^k), each iterated to `tolerance`, the last at ε itself.
/// `iterations` counts every iteration of every phase. Cost: O(n·m) exponentials per iteration.
public func sinkhorn(
    cost: Matrix<Double>, a: [Double], b: [Double], epsilon: Double, maxIterations: Int = 1000,
    tolerance: Double = 1e-9
) -> (plan: Matrix<Double>, iterations: Int, marginalError: Double) {
    let n = cost.rows, m = cost.columns
    precondition(a.count == n && b.count == m, "marginals of \(a.count) and \(b.count) for a \(n)×\(m) cost")
    precondition(epsilon > 0, "epsilon must be positive")
    let logA = a.map { log($0) }, logB = b.map { log($0) }
    var f = [Double](repeating: 0, count: n)
    var g = [Double](repeating: 0, count: m)
    var iterations = 0
    var error = Double.infinity
    let c = cost.flat
    var column = [Double](repeating: 0, count: n)
    func logSumExp(_ values: UnsafeBufferPointer<Double>) -> Double {
        var top = -Double.infinity
        for v in values where v > top { top = v }
        if top == -.infinity { return top }
        var s = 0.0
        for v in values { s += exp(v - top) }
        return top + log(s)
    }
    var row = [Double](repeating: 0, count: m)
    var schedule: [Double] = []
    var e = max(cost.max() ?? 1, epsilon)
    while e > epsilon {
        schedule.append(e)
        e /= 4
    }
    schedule.append(epsilon)
    for phaseEpsilon in schedule {
        let last = phaseEpsilon == epsilon
        var phaseIterations = 0
        while iterations < maxIterations, last || phaseIterations < 200 {
            iterations += 1
            phaseIterations += 1
            let epsilon = phaseEpsilon
            for i in 0..<n {
                for j in 0..<m { row[j] = (g[j] - c[i * m + j]) / epsilon }
                f[i] = epsilon * (logA[i] - row.withUnsafeBufferPointer(logSumExp))
            }
            for j in 0..<m {
                for i in 0..<n { column[i] = (f[i] - c[i * m + j]) / epsilon }
                g[j] = epsilon * (logB[j] - column.withUnsafeBufferPointer(logSumExp))
            }
            error = 0
            for i in 0..<n {
                var s = 0.0
                for j in 0..<m { s += exp((f[i] + g[j] - c[i * m + j]) / epsilon) }
                error += abs(s - a[i])
            }
            if error < tolerance { break }
        }
    }
    var plan = Matrix<Double>(rows: n, columns: m)
    plan.withMutableView { v in
        for i in 0..<n {
            let r = v.row(i)
            for j in 0..<m { r[j] = exp((f[i] + g[j] - c[i * m + j]) / epsilon) }
        }
    }
    return (plan, iterations, error)
}
