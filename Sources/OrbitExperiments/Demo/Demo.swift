import Foundation
import OrbitCheckpoints
import OrbitData
import OrbitFormats
import OrbitNetworks
import OrbitNumerics
import OrbitPaths
import OrbitSymmetry
import OrbitTraining

/// `orbit demo`: trains three networks with different seeds, then measures every kind of
/// connection Orbit knows between them and writes one report.
///
/// Steps: (1) train; (2) straight lines between every pair; (3) the same after weight matching
/// (Ainsworth et al. 2023); (4) a quadratic Bézier curve fitted between the first two (Garipov et
/// al. 2018); (5) a star centre for all three, with fold-lines and the normalised-geodesic-distance
/// bound (Lin, Li & Wu 2024); (6) a symmetry check: a randomly rescaled copy of the first model lies
/// on its orbit, the loss is constant along the orbit curve D^t·w and the straight line has a
/// barrier (Zhao et al. 2025, Prop 5.3). Every barrier is reported under every definition.
public final class Demo {
    public let configuration: DemoConfiguration
    public let directory: String
    let progressStyle: ProgressStyle
    let announce: (String) -> Void

    public init(
        configuration: DemoConfiguration, directory: String, progressStyle: ProgressStyle = .automatic,
        announce: @escaping (String) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.directory = directory
        self.progressStyle = progressStyle
        self.announce = announce
    }

    /// What the run found: the models, the path groups, notes (e.g. the data fallback).
    public struct Result {
        public var dataset: String
        public var network: Network
        public var models: [DemoModel]
        public var groups: [DemoPathGroup]
        public var notes: [String]
        public var seconds: Double
        public var files: [String]
    }

    public func run() throws -> Result {
        let start = Date()
        var config = configuration
        var notes: [String] = []
        if config.data.hasPrefix("fashion-mnist") && config.data == "fashion-mnist" && !FashionMNIST.isAvailable() {
            let note =
                "Fashion-MNIST is not installed (Debian package dataset-fashion-mnist), so the demo uses a synthetic "
                + "teacher–student regression problem instead: \(DemoConfiguration.syntheticFallback)."
            announce("note: " + note)
            notes.append(note)
            config.data = DemoConfiguration.syntheticFallback
            config.architecture = DemoConfiguration.syntheticArchitecture
            config.limit = nil
            config.convolutional = nil
        }
        let dataset = try DatasetSpec(parsing: config.data, limit: config.limit).load()
        let network = try Network(parsing: config.architecture)
        if let cnn = config.convolutional, dataset.sampleShape.count != 3 {
            let note =
                "The convolutional part (\(cnn.architecture)) needs image data; \(dataset.name) has none, so it is skipped."
            announce("note: " + note)
            notes.append(note)
            config.convolutional = nil
        }
        let steps = config.convolutional == nil ? 6 : 7
        try FileManager.default.createDirectory(atPath: "\(directory)/models", withIntermediateDirectories: true)
        announce(
            "data: \(dataset.name) (\(dataset.train.count) train, \(dataset.test?.count ?? 0) test samples of "
                + "\(dataset.sampleDescription)); "
                + "network: \(config.architecture); \(Threading.threadCount) threads")

        // 1. Three minima.
        var models: [DemoModel] = []
        for (index, seed) in config.seeds.enumerated() {
            let name = String(UnicodeScalar(UInt8(65 + index)))
            announce("[1/\(steps)] training model \(name) (seed \(seed), \(config.training.epochs) epochs)")
            models.append(
                try trainAndSave(
                    name: name, seed: seed, network: network, dataset: dataset, training: config.training,
                    label: "model \(name)", extra: [:]))
        }
        let evaluator = PathEvaluator(network: network)
        let t = PathProfile.grid(points: config.points)
        var groups: [DemoPathGroup] = []

        // 2. Straight lines.
        announce("[2/\(steps)] straight lines between every pair")
        let pairs = pairIndices(models.count)
        let lines = try pairs.map { i, j in
            try evaluator.profile(
                AffinePath.line(models[i].parameters, models[j].parameters), on: dataset, t: t,
                name: "line \(models[i].name)→\(models[j].name)")
        }
        groups.append(
            DemoPathGroup(
                key: "lines", heading: "Straight lines between independently trained minima",
                explanation:
                    "Linear interpolation (1−t)·θ_A + t·θ_B between models trained from different seeds. A bump "
                    + "means the minima are not linearly connected as they stand.",
                profiles: lines))

        // 3. After weight matching.
        announce("[3/\(steps)] weight matching (Git Re-Basin) and the aligned lines")
        let alignment = try alignedLines(models: &models, network: network, dataset: dataset, t: t)
        groups.append(alignment)

        // 4. A fitted curve.
        announce("[4/\(steps)] fitting a quadratic Bézier curve A → B (\(config.curveEpochs) epochs)")
        var curveConfig = config.training
        curveConfig.epochs = config.curveEpochs
        curveConfig.seed = 11
        let fitter = try CurveFitter<Float>(
            network: network, dataset: dataset, kind: .bezier, from: models[0].parameters, to: models[1].parameters,
            configuration: curveConfig, progress: ProgressReporter(style: progressStyle, label: "curve"))
        let curve = try fitter.run(from: fitter.initialState(bends: 1))
        let bend = try save(
            name: "bend", seed: nil, parameters: curve.bends[0], network: network, dataset: dataset,
            extra: ["orbit.role": "control point of the Bézier curve A→bend→B"])
        let curveProfile = try evaluator.profile(fitter.path(curve), on: dataset, t: t, name: "Bézier A→B")
        groups.append(
            DemoPathGroup(
                key: "curve", heading: "A low-loss curve (Garipov et al. 2018)",
                explanation:
                    "A quadratic Bézier curve (1−t)²θ_A + 2t(1−t)θ_M + t²θ_B whose control point θ_M is trained "
                    + "with one t ~ U(0, 1) per minibatch. Its barrier should be far below the straight line's.",
                profiles: [lines[0], curveProfile],
                numbers: ["control_point": bend.file, "epochs": config.curveEpochs]))

        // 5. A star centre.
        announce(
            "[5/\(steps)] fitting a star centre for the \(config.seeds.count) trained models (\(config.centreEpochs) epochs)"
        )
        groups.append(
            try starGroup(models: models, lines: lines, network: network, dataset: dataset, t: t, config: config))

        // 6. Symmetry.
        announce("[6/\(steps)] symmetry: a rescaled copy of A, the orbit curve against the straight line")
        groups.append(
            try symmetryGroup(model: models[0], network: network, dataset: dataset, t: t, config: config))

        // 7. Convolutional networks with BatchNorm.
        if let cnn = config.convolutional {
            announce(
                "[7/7] two \(cnn.architecture) with BatchNorm (\(Swift.min(cnn.trainSamples, dataset.train.count)) images, "
                    + "\(cnn.training.epochs) epochs); "
                    + "the line between them with --bn reset and --bn interpolate")
            groups.append(try convolutionalGroup(cnn, dataset: dataset))
        }

        let result = Result(
            dataset: dataset.name, network: network, models: models, groups: groups, notes: notes,
            seconds: Date().timeIntervalSince(start), files: [])
        let files = try DemoReport(result: result, configuration: config).write(to: directory)
        return Result(
            dataset: result.dataset, network: network, models: models, groups: groups, notes: notes,
            seconds: Date().timeIntervalSince(start), files: files)
    }

    /// Trains `network` from `seed` with `training`, then evaluates and saves it (``save(name:seed:parameters:network:dataset:extra:)``).
    func trainAndSave(
        name: String, seed: UInt64, network: Network, dataset: Dataset, training base: TrainingConfiguration,
        label: String, extra: [String: String]
    ) throws -> DemoModel {
        var training = base
        training.seed = seed
        let trainer = try Trainer<Float>(
            network: network, dataset: dataset, configuration: training,
            progress: ProgressReporter(style: progressStyle, label: label))
        let final = try trainer.run(from: trainer.initialState())
        return try save(
            name: name, seed: seed, parameters: final.parameters, network: network, dataset: dataset,
            extra: extra.merging(["orbit.seed": "\(seed)"]) { a, _ in a })
    }

    /// Evaluates and saves a model under DIR/models/NAME.safetensors.
    func save(
        name: String, seed: UInt64?, parameters: ParameterVector<Float>, network: Network, dataset: Dataset,
        extra: [String: String]
    ) throws -> DemoModel {
        let train = network.evaluate(parameters, on: dataset.train)
        let test = dataset.test.map { network.evaluate(parameters, on: $0) }
        let file = "models/\(name).safetensors"
        var metadata = ["orbit.version": orbitVersion, "orbit.data": dataset.name]
        metadata.merge(extra) { $1 }
        try ModelFile.write(
            Model(network: network, parameters: parameters, metadata: metadata), to: "\(directory)/\(file)")
        return DemoModel(name: name, seed: seed, parameters: parameters, train: train, test: test, file: file)
    }

    func pairIndices(_ n: Int) -> [(Int, Int)] {
        (0..<n).flatMap { i in ((i + 1)..<n).map { (i, $0) } }
    }

    /// A rescaled copy D·θ_A (factors log-uniform in [1/r, r]): the straight line climbs, the orbit
    /// curve D^t·θ_A keeps the loss constant.
    func symmetryGroup(
        model: DemoModel, network: Network, dataset: Dataset, t: [Double], config: DemoConfiguration
    ) throws -> DemoPathGroup {
        var generator = SeededGenerator(seed: 2025)
        let hidden = network.layout.tensors.filter { $0.name.hasSuffix("weight") }.dropLast()
        let logRange = Foundation.log(config.rescalingRange)
        let scales = hidden.map { spec in
            (0..<spec.shape[0]).map { _ in Foundation.exp((2 * generator.nextUnitDouble() - 1) * logRange) }
        }
        let curve = try RescalingOrbitCurve(network: network, start: model.parameters, scales: scales)
        let rescaled = curve.point(at: 1)
        let evaluator = PathEvaluator(network: network)
        let line = try evaluator.profile(
            AffinePath.line(model.parameters, rescaled), on: dataset, t: t, name: "line A→D·A")
        let orbit = try evaluator.profile(naive: curve, on: dataset, t: t, name: "orbit curve D^t·A")
        let losses = orbit.splits["train"]!.map(\.loss)
        let variation = (losses.max()! - losses.min()!) / (losses.reduce(0, +) / Double(losses.count))
        return DemoPathGroup(
            key: "symmetry", heading: "Symmetry: the same minimum, two ways to get there (Zhao et al. 2025)",
            explanation:
                "D·θ_A rescales every hidden unit of A by a positive factor (and its outgoing weights by the inverse), so "
                + "it computes exactly the same function. The orbit curve γ(t) = D^t·θ_A stays on the minimum "
                + "(constant loss); the straight line between the two leaves it and climbs (Prop 5.3).",
            profiles: [line, orbit],
            tables: [
                (
                    "Loss variation along the orbit curve against the straight line's barrier.",
                    ["quantity", "value"],
                    [
                        [
                            "rescaling factors",
                            String(
                                format: "log-uniform in [1/%.0f, %.0f]", config.rescalingRange, config.rescalingRange),
                        ],
                        ["orbit curve: (max − min)/mean of the train loss", String(format: "%.2e", variation)],
                        [
                            "straight line: mean_endpoint barrier (train loss)",
                            String(format: "%.4f", line.barrier(.meanEndpoint, split: "train", metric: "loss") ?? .nan),
                        ],
                    ]
                )
            ],
            numbers: ["orbit_curve_relative_variation": variation])
    }
}
