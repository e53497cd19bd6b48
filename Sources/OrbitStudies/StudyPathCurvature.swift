import OrbitCurvature
import OrbitData
import OrbitNetworks
import OrbitPaths
import OrbitTraining

/// What a comparison with a `hessian` object writes to `curvature.json`: `orbit path --hessian`'s
/// record (``PathCurvatureRecord``), the curvature at each evaluated t with its error bars and counts.
typealias ComparisonCurvatureRecord = PathCurvatureRecord

extension PathCurvatureRecord {
    /// The curvature at each t of `path` on the first `settings.samples` training samples, with the
    /// same Lanczos start and probes at every t, and a BatchNorm network's running statistics set at
    /// each t as the comparison's profile sets them (``PathCurvatureRecord/measure(name:t:network:samples:sampleSelection:loss:settings:batchNorm:statistics:statisticsBatchSize:point:)``).
    static func measure(
        _ path: AffinePath<Float>, name: String, t: [Double], network: Network, dataset: Dataset,
        loss: LossFunction, settings: StudyHessian, batchNorm: BatchNormHandling, statisticsBatchSize: Int
    ) throws -> PathCurvatureRecord {
        let samples = try dataset.train.curvatureSamples(count: settings.samples, seed: nil)
        return try measure(
            name: name, t: t, network: network, samples: samples,
            sampleSelection: "the first \(samples.count) training samples", loss: loss,
            settings: PathCurvatureSettings(
                topEigenvalue: settings.measuresTop, trace: settings.measuresTrace, steps: settings.steps,
                probes: settings.probes, seed: settings.seed),
            batchNorm: batchNorm, statistics: dataset.train, statisticsBatchSize: statisticsBatchSize,
            point: path.point(at:))
    }

    /// The summary metrics: the largest λ_max along the path and λ_max at t = ½, each with its
    /// Lanczos residual; the trace at t = ½ and the largest trace, each with its standard error.
    var metrics: [String: Double] {
        var metrics: [String: Double] = ["hessian.samples": Double(samples)]
        let midpoint = points.first { abs($0.t - 0.5) < 1e-12 }?.curvature
        if let top = points.filter({ $0.curvature.topEigenvalue != nil }).max(by: {
            $0.curvature.topEigenvalue! < $1.curvature.topEigenvalue!
        }) {
            metrics["hessian.top.max"] = top.curvature.topEigenvalue
            metrics["hessian.top.max.residual"] = top.curvature.residual
            metrics["hessian.top.max.t"] = top.t
        }
        metrics["hessian.top.at_midpoint"] = midpoint?.topEigenvalue
        metrics["hessian.top.at_midpoint.residual"] = midpoint?.residual
        if let trace = points.filter({ $0.curvature.trace != nil }).max(by: {
            $0.curvature.trace!.value < $1.curvature.trace!.value
        }) {
            metrics["hessian.trace.max"] = trace.curvature.trace?.value
            metrics["hessian.trace.max.se"] = trace.curvature.trace?.standardError
            metrics["hessian.trace.max.t"] = trace.t
        }
        metrics["hessian.trace.at_midpoint"] = midpoint?.trace?.value
        metrics["hessian.trace.at_midpoint.se"] = midpoint?.trace?.standardError
        return metrics
    }
}
