import OrbitCurvature
import OrbitData
import OrbitNetworks
import OrbitReports
import OrbitTraining

/// What a hessian run writes to `curvature.json`: the curvature at the trained model with its
/// error bars and counts.
struct MinimumCurvatureRecord: Codable {
    var samples: Int
    var sampleSelection: String
    var loss: Double
    var lanczosStepLimit: Int?
    var probes: Int?
    var hessianVectorProducts: Int
    var curvature: PointCurvature

    enum CodingKeys: String, CodingKey {
        case samples, loss, probes, curvature
        case sampleSelection = "sample_selection"
        case lanczosStepLimit = "lanczos_step_limit"
        case hessianVectorProducts = "hessian_vector_products"
    }
}

extension StudyTask {
    /// The curvature of the training loss at a trained model (input 0), as `orbit path --hessian`
    /// measures it at one t: λ_max after `steps` Lanczos steps with its residual, and tr H from
    /// `probes` Hutchinson probes ± SE, on the first `samples` training samples. Cost: about
    /// steps + probes Hessian-vector products (each ≈ 2.3 gradients over the samples).
    func measureHessian(_ run: StudyRun, _ configuration: HessianRunConfiguration) throws {
        let model = try model(run.inputs[0], network: nil)
        let network = model.network
        let dataset = try configuration.data.datasetSpec().load()
        do { try network.requireInputs(of: dataset, model: "the model") } catch {
            throw StudyError.runFailed(run: run.key.folderName, reason: error.description)
        }
        let settings = configuration.hessian
        let loss = configuration.loss ?? dataset.train.targets.defaultLoss
        let samples = try dataset.train.curvatureSamples(count: settings.samples, seed: nil)
        let op = try HessianOperator(
            network: network, parameters: model.parameters, samples: samples, loss: loss,
            pointDescription: "the trained model of \(run.inputs[0].folderName)")
        let curvature = try PointCurvature.measure(
            op, top: settings.measuresTop, trace: settings.measuresTrace, steps: settings.steps,
            probes: settings.probes, seed: settings.seed)
        let record = MinimumCurvatureRecord(
            samples: samples.count, sampleSelection: "the first \(samples.count) training samples",
            loss: network.evaluate(model.parameters, on: samples, loss: loss).loss,
            lanczosStepLimit: settings.measuresTop ? settings.steps : nil,
            probes: settings.measuresTrace ? settings.probes : nil, hessianVectorProducts: op.productCount,
            curvature: curvature)
        var metrics: [String: Double] = ["hessian.samples": Double(samples.count), "hessian.loss": record.loss]
        metrics["hessian.top"] = curvature.topEigenvalue
        metrics["hessian.top.residual"] = curvature.residual
        metrics["hessian.top.lanczos_steps"] = curvature.lanczosSteps.map(Double.init)
        metrics["hessian.trace"] = curvature.trace?.value
        metrics["hessian.trace.se"] = curvature.trace?.standardError
        try store.commit(run.key, configuration: configuration, inputs: run.inputs, label: run.label) { folder in
            try JSONReport.write(record, to: "\(folder)/curvature.json")
            return metrics
        }
    }
}
