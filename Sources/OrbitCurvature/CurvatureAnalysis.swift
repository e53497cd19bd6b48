import Foundation
import OrbitData
import OrbitNetworks
import OrbitNumerics
import OrbitTraining

/// What `orbit hessian` estimates and with how much work.
public struct CurvatureSettings: Sendable, Hashable {
    /// How many of the largest eigenpairs (k ≤ `steps`).
    public var topK = 3
    /// The most Lanczos steps for the top-k (the run stops earlier on convergence).
    public var steps = 30
    /// The relative residual tolerance of the top-k Lanczos run.
    public var tolerance = 1e-4
    /// Hutchinson probes.
    public var probes = 32
    /// Stochastic Lanczos quadrature: runs and steps per run (0 runs: no density).
    public var densityRuns = 4
    public var densitySteps = 30
    /// Lanczos steps per tensor block (≥ 1).
    public var blockSteps = 15
    /// The seed of the probes and random starts.
    public var seed: UInt64 = 0
    /// The loss along each top eigenvector u is measured at θ + s·u for s in ±`lineRange`.
    public var lineRange = 1.0
    public var linePoints = 21

    public init() {}
}

/// The loss along one direction: L(θ + s·u) for a grid of s.
public struct LossLine: Sendable {
    public var label: String
    public var offsets: [Double]
    public var losses: [Double]
}

/// Every curvature estimate of one point θ on one sample set, each with its error bar and counts
/// (docs/math/curvature.md): top-k eigenpairs with residuals, the trace ± SE, per-tensor block top
/// eigenvalue and trace, the spectral density, and the loss along the top eigenvectors.
public struct CurvatureAnalysis: Sendable {
    public var settings: CurvatureSettings
    public var sampleCount: Int
    public var parameterCount: Int
    public var loss: Double
    public var topEigenvalues: [Double]
    public var residuals: [Double]
    public var lanczosSteps: Int
    public var lanczosConverged: Bool
    public var trace: Estimate
    public var blocks: [BlockCurvature]
    public var density: SpectralDensity?
    public var lines: [LossLine]
    /// Hessian-vector products spent in all.
    public var products: Int
    /// Things a reader must know (e.g. a Lanczos run that hit its step limit before the tolerance).
    public var warnings: [String]

    /// Runs every estimate through `op`. Cost: about steps + k + probes + blocks·blockSteps +
    /// densityRuns·densitySteps products, plus k·linePoints loss evaluations.
    public static func run<Scalar: BLASScalar>(_ op: HessianOperator<Scalar>, settings: CurvatureSettings)
        throws(CurvatureError) -> CurvatureAnalysis
    {
        guard settings.topK <= settings.steps else { throw .topKExceedsSteps(k: settings.topK, steps: settings.steps) }
        guard settings.blockSteps >= 1 else { throw .invalid(reason: "block Lanczos needs at least one step") }
        let layout = op.parameters.layout
        let apply = { (v: ParameterVector<Scalar>) throws(CurvatureError) in try op.apply(v) }
        var generator = SeededGenerator(seed: settings.seed)
        let start = HutchinsonTrace.gaussian(layout: layout, as: Scalar.self, using: &generator)
        let top = try Lanczos.run(
            start: start, steps: settings.steps, topK: settings.topK, tolerance: settings.tolerance, vectors: true,
            explicitResiduals: true, apply)
        var warnings: [String] = []
        if let batchNorm = op.batchNormHandling { warnings.append(batchNorm) }
        if !top.converged {
            warnings.append(
                "Lanczos stopped at its limit of \(top.steps) steps before the relative tolerance \(settings.tolerance); "
                    + "the residuals are the error bars (raise --steps to tighten them)")
        }
        if top.steps < settings.steps && top.converged {
            warnings.append("Lanczos converged in \(top.steps) of \(settings.steps) steps")
        }
        let hutchinson = try HutchinsonTrace.estimate(
            layout: layout, probes: settings.probes, seed: settings.seed &+ 1, apply)
        let blocks = try BlockCurvature.estimate(
            layout: layout, steps: settings.blockSteps, seed: settings.seed &+ 2, tolerance: settings.tolerance,
            traces: hutchinson, apply)
        var density: SpectralDensity?
        if settings.densityRuns > 0 {
            density = try SpectralDensity.estimate(
                layout: layout, runs: settings.densityRuns, steps: settings.densitySteps, seed: settings.seed &+ 3,
                apply)
        }
        let lossFunction = op.loss
        let center = op.network.evaluate(op.parameters, on: op.samples, loss: lossFunction).loss
        var lines: [LossLine] = []
        let offsets = (0..<settings.linePoints).map {
            settings.linePoints == 1
                ? 0 : -settings.lineRange + 2 * settings.lineRange * Double($0) / Double(settings.linePoints - 1)
        }
        for (i, pair) in top.pairs.enumerated() {
            guard let u = pair.vector else { continue }
            let losses = offsets.map { s in
                op.network.evaluate(op.parameters + Scalar(s) * u, on: op.samples, loss: lossFunction).loss
            }
            lines.append(
                LossLine(
                    label: "u\(i + 1) (λ = \(String(format: "%.4g", pair.value)))", offsets: offsets, losses: losses))
        }
        return CurvatureAnalysis(
            settings: settings, sampleCount: op.sampleCount, parameterCount: op.dimension, loss: center,
            topEigenvalues: top.pairs.map(\.value), residuals: top.pairs.map(\.residual), lanczosSteps: top.steps,
            lanczosConverged: top.converged, trace: hutchinson.trace, blocks: blocks, density: density, lines: lines,
            products: op.productCount, warnings: warnings)
    }
}

/// The top eigenvalue and trace of H at one point (for curvature along a path).
public struct PointCurvature: Sendable, Hashable, Codable {
    /// λ_max and its Lanczos residual (nil when not asked for).
    public var topEigenvalue: Double?
    public var residual: Double?
    public var lanczosSteps: Int?
    /// tr H ± SE (nil when not asked for).
    public var trace: Estimate?

    enum CodingKeys: String, CodingKey {
        case residual, trace
        case topEigenvalue = "top_eigenvalue"
        case lanczosSteps = "lanczos_steps"
    }

    public init() {}

    /// `steps` Lanczos steps for λ_max (residual by β_m·|y_m|) and `probes` Hutchinson probes, from `seed`.
    public static func measure<Scalar: BLASScalar>(
        _ op: HessianOperator<Scalar>, top: Bool, trace: Bool, steps: Int, probes: Int, tolerance: Double = 1e-4,
        seed: UInt64
    ) throws(CurvatureError) -> PointCurvature {
        var result = PointCurvature()
        let apply = { (v: ParameterVector<Scalar>) throws(CurvatureError) in try op.apply(v) }
        if top {
            var generator = SeededGenerator(seed: seed)
            let start = HutchinsonTrace.gaussian(layout: op.parameters.layout, as: Scalar.self, using: &generator)
            let run = try Lanczos.run(start: start, steps: steps, topK: 1, tolerance: tolerance, apply)
            result.topEigenvalue = run.pairs[0].value
            result.residual = run.pairs[0].residual
            result.lanczosSteps = run.steps
        }
        if trace {
            result.trace = try HutchinsonTrace.estimate(
                layout: op.parameters.layout, probes: probes, seed: seed &+ 1, apply
            ).trace
        }
        return result
    }
}
