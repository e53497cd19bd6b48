import Foundation
import OrbitAlignment
import OrbitCheckpoints
import OrbitData
import OrbitFormats
import OrbitNetworks
import OrbitNumerics
import OrbitPaths
import OrbitReports
import OrbitTraining

/// Runs one run of a plan in this process and writes its folder into the store — what
/// `orbit study task FILE --stage S --index I` does for one Slurm array task, and what the local
/// executor's worker processes do. The thread count is set from the run's configuration first, so
/// a run gives the same bytes whichever executor ran it.
///
/// A training run writes `model.safetensors` (the trained θ, with the configuration in its
/// metadata, as `orbit train` does) and its train/test metrics; a comparison reads its two models,
/// aligns B to A for the matched methods (checking π(B) computes B's function, as `orbit align`
/// does), measures the line A → B or A → π(B) with the fused path evaluator (as `orbit path`
/// does) and writes `profile.json` and every barrier as a metric. Fold-line (NGD) comparisons and
/// stars fit centres first (StudyCentreTask.swift); a hessian run measures the curvature at a
/// trained model (StudyHessianTask.swift).
public struct StudyTask {
    public let plan: StudyPlan
    public let store: RunStore

    public init(plan: StudyPlan, store: RunStore) {
        self.plan = plan
        self.store = store
    }

    /// The run at `index` of `stage`.
    public func run(stage: String, index: Int) throws -> StudyRun {
        guard let s = plan.stage(stage) else {
            throw StudyError.noSuchRun(
                stage: stage, index: index, reason: "the stages are \(plan.stages.map(\.name).joined(separator: ", "))")
        }
        guard s.runs.indices.contains(index) else {
            throw StudyError.noSuchRun(stage: stage, index: index, reason: "the stage has \(s.runs.count) run(s)")
        }
        return s.runs[index]
    }

    /// Executes `run` unless it is done; records a failure before rethrowing. Returns whether it ran.
    @discardableResult
    public func execute(_ run: StudyRun) throws -> Bool {
        guard store.status(run.key) != .done else { return false }
        do {
            for input in run.inputs where store.status(input) != .done {
                throw StudyError.missingInput(run: run.key.folderName, input: input.folderName)
            }
            Threading.configure(threads: run.threads)
            switch run.work {
            case .train(let configuration): try train(run, configuration)
            case .importFile(let configuration, let path): try importFile(run, configuration, path: path)
            case .compare(let configuration): try compare(run, configuration)
            case .star(let configuration): try star(run, configuration)
            case .hessian(let configuration): try measureHessian(run, configuration)
            }
            return true
        } catch {
            store.recordFailure(run.key, message: "\(error)")
            throw StudyError.runFailed(run: "\(run.key.folderName) (\(run.label))", reason: "\(error)")
        }
    }

    private func train(_ run: StudyRun, _ configuration: TrainingRunConfiguration) throws {
        let network = try Network(parsing: configuration.architecture)
        let dataset = try configuration.data.datasetSpec().load()
        let trainer = try Trainer<Float>(network: network, dataset: dataset, configuration: configuration.training)
        var start = trainer.initialState()
        if configuration.startsFromInput {
            start = trainer.initialState(parameters: try model(run.inputs[0], network: network).parameters)
        }
        let final = try trainer.run(from: start)
        let loss = configuration.training.loss
        let train = network.evaluate(final.parameters, on: dataset.train, loss: loss)
        let test = dataset.test.map { network.evaluate(final.parameters, on: $0, loss: loss) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try store.commit(run.key, configuration: configuration, inputs: run.inputs, label: run.label) { folder in
            try ModelFile.write(
                Model(
                    network: network, parameters: final.parameters,
                    metadata: [
                        "orbit.version": orbitVersion, "orbit.seed": "\(configuration.training.seed)",
                        "orbit.data": dataset.name, "orbit.run": run.key.folderName,
                        "orbit.training": String(decoding: try encoder.encode(configuration.training), as: UTF8.self),
                    ]), to: "\(folder)/model.safetensors")
            var metrics = ["train.loss": train.loss]
            metrics["train.accuracy"] = train.accuracy
            metrics["test.loss"] = test?.loss
            metrics["test.accuracy"] = test?.accuracy ?? nil
            return metrics
        }
    }

    private func importFile(_ run: StudyRun, _ configuration: ModelFileRunConfiguration, path: String) throws {
        guard let data = FileManager.default.contents(atPath: path), SHA256.hex(data) == configuration.sha256 else {
            throw StudyError.runFailed(run: run.key.folderName, reason: "\(path) is missing or changed since the plan")
        }
        var model: Model<Float> = try ModelFile.read(path)
        model.metadata["orbit.run"] = run.key.folderName
        model.metadata["orbit.source.sha256"] = configuration.sha256
        try store.commit(run.key, configuration: configuration, inputs: [], label: run.label) { folder in
            try ModelFile.write(model, to: "\(folder)/model.safetensors")
            return ["parameters": Double(model.parameters.count)]
        }
    }

    private func compare(_ run: StudyRun, _ configuration: ComparisonRunConfiguration) throws {
        let a = try model(run.inputs[0], network: nil)
        let network = a.network
        let b = try model(run.inputs[1], network: network)
        let dataset = try data(configuration, for: network, run: run)
        let (endpoint, alignment) = try align(
            b.parameters, to: a.parameters, network: network, dataset: dataset, configuration)
        var metrics = alignment
        metrics["distance"] = Double(a.parameters.distance(to: endpoint))
        let evaluator = PathEvaluator(
            network: network, batchSize: configuration.evaluation.batchSize,
            batchNorm: configuration.evaluation.batchNormHandling)
        let endName = configuration.method == .line ? "B" : "π(B) (\(configuration.method.rawValue))"
        if configuration.path == .foldLine {
            return try measureFoldLine(
                run, configuration, network: network, dataset: dataset, a: a.parameters, end: endpoint,
                endName: endName,
                metrics: metrics)
        }
        let t = PathProfile.grid(points: configuration.evaluation.points)
        var path = AffinePath.line(a.parameters, endpoint)
        var bends: [ParameterVector<Float>] = []
        if let kind = configuration.path, kind != .line, let fit = configuration.curveTraining {
            // Garipov et al.'s curve fit, as `orbit curve` runs it, between A and the (aligned) end.
            let fitter = try CurveFitter<Float>(
                network: network, dataset: dataset, kind: kind == .bezier ? .bezier : .polygonalChain,
                from: a.parameters, to: endpoint, configuration: fit)
            let final = try fitter.run(from: fitter.initialState(bends: configuration.bends ?? 1))
            path = fitter.path(final)
            bends = final.bends
            metrics["curve.final_loss"] = final.history.last
        }
        let name = "\(configuration.path?.rawValue ?? "line") A→\(endName)"
        let profile = try evaluator.profile(path, on: dataset, t: t, name: name)
        for barrier in profile.barriers {
            metrics["\(barrier.split).\(barrier.metric).\(barrier.definition.rawValue)"] = barrier.value
        }
        let curvature = try configuration.hessian.map {
            try ComparisonCurvatureRecord.measure(
                path, name: name, t: t, network: network, dataset: dataset,
                loss: dataset.train.targets.defaultLoss, settings: $0,
                batchNorm: configuration.evaluation.batchNormHandling,
                statisticsBatchSize: configuration.evaluation.batchSize)
        }
        metrics.merge(curvature?.metrics ?? [:]) { old, _ in old }
        try store.commit(run.key, configuration: configuration, inputs: run.inputs, label: run.label) { folder in
            try JSONReport.write(profile, to: "\(folder)/profile.json")
            if let curvature { try JSONReport.write(curvature, to: "\(folder)/curvature.json") }
            for (j, bend) in bends.enumerated() {
                try ModelFile.write(
                    Model(
                        network: network, parameters: bend,
                        metadata: ["orbit.version": orbitVersion, "orbit.run": run.key.folderName]),
                    to: "\(folder)/bend-\(j + 1).safetensors")
            }
            return metrics
        }
    }

    /// The study's data set, checked to fit `network`'s input.
    func data(_ configuration: ComparisonRunConfiguration, for network: Network, run: StudyRun) throws -> Dataset {
        let dataset = try configuration.data.datasetSpec().load()
        do { try network.requireInputs(of: dataset, model: "the models") } catch {
            throw StudyError.runFailed(run: run.key.folderName, reason: error.description)
        }
        return dataset
    }

    /// B permuted to A by the configuration's matching method (B itself for the line), checked to
    /// compute B's function as `orbit align` does, with the matching's metrics (none for the line).
    func align(
        _ b: ParameterVector<Float>, to a: ParameterVector<Float>, network: Network, dataset: Dataset,
        _ configuration: ComparisonRunConfiguration
    ) throws -> (ParameterVector<Float>, [String: Double]) {
        var metrics: [String: Double] = [:]
        var endpoint = b
        // The line needs no permutation spec (a network without hidden units to permute has none).
        let matching: (result: MatchingResult, spec: PermutationSpec)?
        switch configuration.method {
        case .line: matching = nil
        case .weightMatching:
            let spec = try PermutationSpec(network: network)
            let matcher = WeightMatching(seed: configuration.seed ?? 0, maxSweeps: configuration.maxSweeps ?? 100)
            matching = (try matcher.match(a, b, spec: spec), spec)
        case .activationMatching:
            let spec = try PermutationSpec(network: network)
            let result = try ActivationMatching().match(
                network: network, a, b, inputs: dataset.train.features, spec: spec)
            matching = (result, spec)
        }
        if let (result, spec) = matching {
            try result.permutations.validate(for: spec)
            endpoint = spec.apply(result.permutations, to: b)
            let rows = min(dataset.train.count, 1000)
            let inputs = dataset.train.features.submatrix(rows: 0..<rows, columns: 0..<dataset.train.featureCount)
            let scale = FunctionalEquivalence.outputScale(network: network, parameters: b, inputs: inputs)
            metrics["alignment.deviation"] = try FunctionalEquivalence.check(
                network: network, original: b, permuted: endpoint, inputs: inputs, tolerance: 1e-4 * max(1, scale))
            metrics["alignment.objective"] = result.objective
            metrics["alignment.sweeps"] = Double(result.sweeps)
        }
        return (endpoint, metrics)
    }

    /// The trained model of a finished training run (checked against `network` when given).
    func model(_ key: RunKey, network: Network?) throws -> Model<Float> {
        let path = "\(store.folder(key))/model.safetensors"
        let model: Model<Float> = try ModelFile.read(path, network: nil, nameMap: [:])
        if let network { try network.layout.requireMatches(model.network.layout) }
        return model
    }
}
