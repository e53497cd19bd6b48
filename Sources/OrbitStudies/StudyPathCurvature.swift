import OrbitCurvature
import OrbitData
import OrbitNetworks
import OrbitNumerics
import OrbitPaths

/// What a comparison with a `hessian` object writes to `curvature.json`: the curvature at each
/// evaluated t of its path (`orbit path --hessian`'s record), with the error bars and counts.
struct ComparisonCurvatureRecord: Codable {
    struct Point: Codable {
        var t: Double
        /// The mean loss over the curvature samples at θ(t).
        var loss: Double
        var curvature: PointCurvature
    }

    var path: String
    var samples: Int
    var sampleSelection: String
    var lanczosStepLimit: Int?
    var probes: Int?
    var hessianVectorProducts: Int
    var points: [Point]

    enum CodingKeys: String, CodingKey {
        case path, samples, points, probes
        case sampleSelection = "sample_selection"
        case lanczosStepLimit = "lanczos_step_limit"
        case hessianVectorProducts = "hessian_vector_products"
    }

    /// The curvature at each t of `path` on the first `settings.samples` training samples, with
    /// the same Lanczos start and probes at every t. Cost per point: `steps` + `probes`
    /// Hessian-vector products and one loss evaluation over the samples.
    static func measure(
        _ path: AffinePath<Float>, name: String, t: [Double], network: Network, dataset: Dataset,
        loss: LossFunction, settings: StudyHessian
    ) throws -> ComparisonCurvatureRecord {
        let samples = try dataset.train.curvatureSamples(count: settings.samples, seed: nil)
        var points: [Point] = []
        var products = 0
        for ti in t {
            let theta = path.point(at: ti)
            let op = try HessianOperator(
                network: network, parameters: theta, samples: samples, loss: loss,
                pointDescription: "\(name) t = \(ti)")
            let curvature = try PointCurvature.measure(
                op, top: settings.measuresTop, trace: settings.measuresTrace, steps: settings.steps,
                probes: settings.probes, seed: settings.seed)
            products += op.productCount
            points.append(
                Point(t: ti, loss: network.evaluate(theta, on: samples, loss: loss).loss, curvature: curvature))
        }
        return ComparisonCurvatureRecord(
            path: name, samples: samples.count, sampleSelection: "the first \(samples.count) training samples",
            lanczosStepLimit: settings.measuresTop ? settings.steps : nil,
            probes: settings.measuresTrace ? settings.probes : nil, hessianVectorProducts: products, points: points)
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
