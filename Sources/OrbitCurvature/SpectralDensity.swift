import Foundation
import OrbitNetworks
import OrbitNumerics

/// The spectral density of H, ρ(λ) = (1/p)·Σ_i δ(λ − λ_i), smoothed by a Gaussian of width σ and
/// estimated by stochastic Lanczos quadrature (docs/math/curvature.md §4): each of R runs starts
/// Lanczos from an independent Gaussian vector v; the m Ritz values θ_j and squared first eigenvector
/// components τ_j of T_m are the nodes and weights of the Gauss quadrature of vᵀ·g(H)·v/‖v‖², whose
/// expectation is (1/p)·tr g(H). With g = the Gaussian kernel, ρ_σ(λ) ≈ (1/R)·Σ_r Σ_j τ_j·N(λ; θ_j, σ²).
///
/// The standard error at each grid point is that of the mean over the R runs. Cost: R·m products.
public struct SpectralDensity: Sendable {
    /// The grid of λ values.
    public var grid: [Double]
    /// ρ_σ at each grid point (integrates to ≈ 1).
    public var density: [Double]
    /// The standard error of `density` over the runs (+∞ with a single run).
    public var standardError: [Double]
    /// σ, the Gaussian broadening.
    public var width: Double
    /// The nodes and weights of each run.
    public var runs: [(nodes: [Double], weights: [Double])]
    /// The Lanczos steps per run.
    public var steps: Int

    /// Runs `runs` Lanczos runs of `steps` steps from Gaussian starts drawn from `seed`; the grid
    /// spans the extreme nodes ± 5σ in `gridPoints` points; σ is `width` or, when nil, 1% of the
    /// node range (at least 1e-8).
    public static func estimate<Scalar: BLASScalar>(
        layout: ParameterLayout, runs: Int, steps: Int, seed: UInt64, width: Double? = nil, gridPoints: Int = 400,
        _ apply: (ParameterVector<Scalar>) throws(CurvatureError) -> ParameterVector<Scalar>
    ) throws(CurvatureError) -> SpectralDensity {
        guard runs >= 1 else { throw .invalid(reason: "spectral density needs at least one run, got \(runs)") }
        guard gridPoints >= 2 else { throw .invalid(reason: "the density grid needs at least two points") }
        var generator = SeededGenerator(seed: seed)
        var quadratures: [(nodes: [Double], weights: [Double])] = []
        var taken = 0
        for _ in 0..<runs {
            let start = HutchinsonTrace.gaussian(layout: layout, as: Scalar.self, using: &generator)
            let result = try Lanczos.run(start: start, steps: steps, topK: 1, tolerance: -1, apply)
            quadratures.append((result.nodes, result.weights))
            taken = Swift.max(taken, result.steps)
        }
        let all = quadratures.flatMap(\.nodes)
        let low = all.min()!, high = all.max()!
        let sigma = width ?? Swift.max(0.01 * (high - low), 1e-8)
        let grid = (0..<gridPoints).map {
            low - 5 * sigma + Double($0) * (high - low + 10 * sigma) / Double(gridPoints - 1)
        }
        let norm = 1 / (sigma * (2 * Double.pi).squareRoot())
        var perRun = [[Double]](repeating: [Double](repeating: 0, count: gridPoints), count: runs)
        for (r, q) in quadratures.enumerated() {
            for (g, x) in grid.enumerated() {
                var s = 0.0
                for (node, weight) in zip(q.nodes, q.weights) {
                    let d = (x - node) / sigma
                    s += weight * norm * Foundation.exp(-d * d / 2)
                }
                perRun[r][g] = s
            }
        }
        let estimates = (0..<gridPoints).map { g in Estimate(draws: perRun.map { $0[g] }) }
        return SpectralDensity(
            grid: grid, density: estimates.map(\.value), standardError: estimates.map(\.standardError), width: sigma,
            runs: quadratures, steps: taken)
    }
}
