import Foundation
import OrbitData
import OrbitFormats
import OrbitNetworks
import OrbitStar
import OrbitTraining

/// One group of models to train: `architecture` with `{width}` replaced by each width, trained
/// once per seed with one optimiser setting; with `start`, each starts from the trained model of
/// group `start` with the same width and the same seed (or `start_seed`) — Frankle et al.'s
/// spawning — instead of from its initialisation. Or a group of existing model `files`
/// (safetensors or NPZ with their description), paths relative to the study file, which
/// comparisons' `pairs` name by their position (0, 1, …) where trained groups use seeds. Either
/// kind may ask for the Hessian's top eigenvalue and trace at each model (`hessian`).
public struct ModelGroup: Sendable, Equatable {
    public var name: String
    /// Existing model files (absolute paths), or nil for a group that is trained.
    public var files: [String]?
    public var filesLine: Int
    /// A network description, e.g. `mlp:8-{width}-{width}-3:relu`.
    public var architecture: String
    /// nil when the architecture has no `{width}`.
    public var widths: [Int]?
    public var seeds: [UInt64]
    /// The training settings; the seed is replaced by each run's seed.
    public var training: TrainingConfiguration
    public var start: String?
    public var startSeed: UInt64?
    /// The curvature to measure at each of the group's models once trained (a `hessian` run per
    /// model, in a stage of its own), or nil.
    public var hessian: StudyHessian?
    /// Lines of the group and of its `start` key, for messages.
    public var line: Int
    public var startLine: Int

    /// The architecture for `width` (unchanged when there is no `{width}`).
    public func architecture(width: Int?) -> String { Self.fill(architecture, width: width) }

    static func fill(_ template: String, width: Int?) -> String {
        guard let width else { return template }
        return template.replacingOccurrences(of: "{width}", with: "\(width)")
    }

    init(reader: inout StudyFileReader) throws {
        line = reader.line
        name = try reader.string("name")
        filesLine = reader.member("files")?.value.line ?? line
        hessian = try reader.object("hessian") { try StudyHessian(reader: &$0) }
        if let list = try reader.strings("files") {
            // Existing models: nothing else to read, so any training key is refused as unknown.
            let directory = URL(fileURLWithPath: reader.file).deletingLastPathComponent()
            files = list.map { URL(fileURLWithPath: $0, relativeTo: directory).standardizedFileURL.path }
            architecture = ""
            widths = nil
            seeds = list.indices.map(UInt64.init)
            training = TrainingConfiguration()
            startLine = line
            return
        }
        architecture = try reader.string("architecture")
        widths = try reader.integers("widths", minimum: 1)
        let seedList = try reader.integers("seeds", minimum: 0)
        guard let seedList else { throw StudyError.missingKey(file: reader.file, line: reader.line, key: "seeds") }
        seeds = seedList.map(UInt64.init)
        let architectureMember = reader.member("architecture")!
        let templated = architecture.contains("{width}")
        if templated != (widths != nil) {
            throw reader.bad(
                architectureMember,
                templated
                    ? "'\(architecture)' has {width} but the group gives no widths"
                    : "the group gives widths but '\(architecture)' has no {width} to put them in")
        }
        for width in widths ?? [nil] as [Int?] {
            let description = Self.fill(architecture, width: width)
            do {
                _ = try Network(parsing: description)
            } catch {
                throw reader.bad(architectureMember, "'\(description)': \(error)")
            }
        }
        training = try reader.object("training") { try TrainingConfiguration(reader: &$0) } ?? TrainingConfiguration()
        start = try reader.optionalString("start")
        startLine = reader.member("start")?.line ?? line
        startSeed = try reader.optionalInteger("start_seed", minimum: 0).map(UInt64.init)
        if startSeed != nil, start == nil, let m = reader.member("start_seed") {
            throw reader.bad(m, "start_seed needs start (the group to start from)")
        }
        if start == name {
            throw StudyError.cycle(file: reader.file, line: startLine, key: "start", groups: [name, name])
        }
    }
}

extension StudyFileReader {
    /// The keys optimizer (sgd, adam or adamw; `default` when absent), momentum, nesterov and
    /// weight_decay of a `training` or `centre_training` object, as one ``Optimizer``.
    mutating func optimizer(default defaultName: String) throws -> Optimizer {
        let name = try string("optimizer", default: defaultName)
        let momentum = try number("momentum", default: 0.9)
        let nesterov = try bool("nesterov", default: false)
        let weightDecay = try number("weight_decay", default: 0)
        switch name {
        case "sgd": return .sgd(momentum: momentum, nesterov: nesterov, weightDecay: weightDecay)
        case "adam": return .adam(weightDecay: weightDecay)
        case "adamw": return .adamW(weightDecay: weightDecay)
        default:
            let names = [defaultName] + ["sgd", "adam", "adamw"].filter { $0 != defaultName }
            throw bad(member("optimizer")!, "'\(name)' is not \(names[0]), \(names[1]) or \(names[2])")
        }
    }

    /// The key schedule (constant when absent) as a ``LearningRateSchedule``.
    mutating func schedule() throws -> LearningRateSchedule {
        let text = try string("schedule", default: "constant")
        guard let schedule = LearningRateSchedule(parsing: text) else {
            throw bad(
                member("schedule")!, "'\(text)' is not constant, step:EVERY:GAMMA, cosine or warmup-cosine:EPOCHS")
        }
        return schedule
    }
}

extension TrainingConfiguration {
    /// The `training` object of a model group: epochs, batch_size, optimizer (sgd, adam, adamw),
    /// learning_rate, momentum, nesterov, weight_decay, schedule, initialization, loss.
    init(reader: inout StudyFileReader) throws {
        self.init()
        epochs = try reader.integer("epochs", default: epochs, minimum: 1)
        batchSize = try reader.integer("batch_size", default: batchSize, minimum: 1)
        learningRate = try reader.number("learning_rate", default: learningRate)
        if learningRate <= 0, let m = reader.member("learning_rate") { throw reader.bad(m, "must be positive") }
        optimizer = try reader.optimizer(default: "sgd")
        schedule = try reader.schedule()
        let initializationText = try reader.string("initialization", default: initialization.rawValue)
        guard let initialization = Initialization(rawValue: initializationText) else {
            throw reader.bad(
                reader.member("initialization")!,
                "'\(initializationText)' is not " + Initialization.allCases.map(\.rawValue).joined(separator: ", "))
        }
        self.initialization = initialization
        if let lossText = try reader.optionalString("loss") {
            guard let loss = LossFunction(rawValue: lossText) else {
                throw reader.bad(reader.member("loss")!, "'\(lossText)' is not cross_entropy or mse")
            }
            self.loss = loss
        }
    }
}
