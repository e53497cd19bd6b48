import OrbitData
import OrbitNetworks
import OrbitPaths
import OrbitTraining

/// The demo's convolutional part: what the layer graph adds.
public struct DemoConvolutionalSetting: Sendable {
    /// A network with BatchNorm, e.g. `resnet20:w=8`.
    public var architecture: String
    public var seeds: [UInt64]
    /// Train and test samples (prefixes of the splits).
    public var trainSamples: Int
    public var testSamples: Int
    public var training: TrainingConfiguration
    public var points: Int

    public init(
        architecture: String, seeds: [UInt64], trainSamples: Int, testSamples: Int, training: TrainingConfiguration,
        points: Int
    ) {
        self.architecture = architecture
        self.seeds = seeds
        self.trainSamples = trainSamples
        self.testSamples = testSamples
        self.training = training
        self.points = points
    }
}

extension Demo {
    /// Two ResNet-20s with BatchNorm trained from different seeds, and the straight line between
    /// them measured twice: with the running statistics recomputed at every point (`--bn reset`) and
    /// with the interpolated ones (`--bn interpolate`), `docs/math/layer-graph.md §4`.
    func convolutionalGroup(_ setting: DemoConvolutionalSetting, dataset full: Dataset) throws -> DemoPathGroup {
        let network = try Network(parsing: setting.architecture)
        try full.requireSampleShape(network.inputShape, for: setting.architecture)
        let dataset = Dataset(
            name: full.name, train: full.train.prefix(setting.trainSamples),
            test: full.test.map { $0.prefix(setting.testSamples) }, provenance: full.provenance)
        var models: [DemoModel] = []
        for (index, seed) in setting.seeds.enumerated() {
            let name = "R\(index + 1)"
            models.append(
                try trainAndSave(
                    name: name, seed: seed, network: network, dataset: dataset, training: setting.training,
                    label: "ResNet \(name)", extra: ["orbit.role": "ResNet-20 of the demo's convolutional part"]))
        }
        let t = PathProfile.grid(points: setting.points)
        let line = AffinePath.line(models[0].parameters, models[1].parameters)
        var profiles: [PathProfile] = []
        var rows: [[String]] = []
        for handling in [BatchNormHandling.reset, .interpolate] {
            let evaluator = PathEvaluator(network: network, batchNorm: handling)
            let profile = try evaluator.profile(
                line, on: dataset, t: t, name: "line R1→R2, BN \(handling == .reset ? "reset" : "interpolated")")
            profiles.append(profile)
            let barrier = profile.barrier(.meanEndpoint, split: "test", metric: "loss") ?? .nan
            let mid = profile.splits["test"]![t.count / 2]
            rows.append([
                handling.rawValue, String(format: "%.4f", barrier), String(format: "%.4f", mid.loss),
                mid.accuracy.map { String(format: "%.1f%%", 100 * $0) } ?? "–",
            ])
        }
        let accuracy = models.map { m in m.test?.accuracy.map { String(format: "%.1f%%", 100 * $0) } ?? "–" }
        return DemoPathGroup(
            key: "cnn", heading: "Convolutional networks with BatchNorm (\(setting.architecture))",
            explanation:
                "Two ResNet-20s (He et al. 2016, first layer \(network.nodes[0].layer.layer.summary(for: [network.inputShape]))) "
                + "trained from different seeds on \(dataset.train.count) images, test accuracy "
                + accuracy.joined(separator: " and ") + ". Between them the weights are new, so the end points' "
                + "BatchNorm running statistics no longer describe the activations: with the statistics recomputed "
                + "on the training images at every point (Garipov et al. 2018, REPAIR; Orbit's default, --bn reset) "
                + "the barrier is the network's; with the interpolated statistics (--bn interpolate) part of it is an "
                + "artefact of stale statistics. Every barrier in Orbit says which it used.",
            profiles: profiles,
            tables: [
                (
                    "The straight line R1→R2 under both BatchNorm handlings (test split): mean_endpoint barrier and the "
                        + "midpoint's loss and accuracy.",
                    ["--bn", "barrier (test loss)", "loss at t = ½", "accuracy at t = ½"], rows
                )
            ],
            numbers: [
                "architecture": setting.architecture, "train_samples": setting.trainSamples,
                "test_samples": setting.testSamples, "batch_norm": ["reset", "interpolate"],
            ])
    }
}
