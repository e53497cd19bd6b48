import Foundation
import OrbitData
import OrbitFormats
import OrbitNetworks
import OrbitStar
import OrbitTraining

/// A study: the models to train (an architecture × widths × seeds with one optimiser setting per
/// group, optionally started from another group's trained models, optionally with the Hessian's
/// top eigenvalue and trace measured at each trained model), the comparisons between them
/// (lines, weight- or activation-matched lines, fitted curves and NGD fold-lines over all pairs or
/// chosen pairs; star centres over all seeds of a width), the data and the
/// evaluation settings — declared in one JSON file (README.md, "Running on a cluster").
///
/// Parsing is strict: an unknown key, a value of the wrong type, a reference to a group that does
/// not exist or groups that start from each other in a cycle are refused with the file, line and
/// key named (``StudyError``). Validation checks every architecture and data spec, so a plan that
/// parses can run.
public struct StudyFile: Sendable, Equatable {
    /// The file read (for messages) — not part of any run's hash.
    public var path: String
    /// The study's name: its report folder and Slurm job names.
    public var name: String
    public var data: StudyData
    /// Threads of every run (BLAS and Orbit's loops). Results are bit-identical for a fixed thread
    /// count, so it is part of each run's configuration and both executors use it.
    public var threads: Int
    public var evaluation: StudyEvaluation
    public var models: [ModelGroup]
    public var comparisons: [ComparisonGroup]

    /// Reads and validates the study file at `path`.
    public init(contentsOf path: String) throws {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw StudyError.unreadable(
                file: path, reason: "cannot read the study file (\(error.localizedDescription))")
        }
        try self.init(parsing: text, file: path)
    }

    /// Parses and validates a study document; `file` names it in errors.
    public init(parsing text: String, file: String) throws {
        let document: LocatedJSON
        do {
            document = try LocatedJSON.parse(text, file: file)
        } catch let error as FormatError {
            if case .invalidJSON(_, let detail) = error.reason {
                throw StudyError.unreadable(file: file, reason: "not valid JSON: \(detail)")
            }
            throw StudyError.unreadable(file: file, reason: error.description)
        }
        var top = try StudyFileReader(document, key: "study", file: file)
        path = file
        name = try top.string("name")
        if let m = top.member("name"),
            name.isEmpty || !name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
        {
            throw top.bad(m, "'\(name)' must be non-empty letters, digits, '-', '_' or '.' (it names folders and jobs)")
        }
        threads = try top.integer("threads", default: 1, minimum: 1)
        guard
            let data = try top.object(
                "data",
                { reader in
                    try StudyData(reader: &reader)
                })
        else { throw StudyError.missingKey(file: file, line: top.line, key: "data") }
        self.data = data
        evaluation = try top.object("evaluation") { try StudyEvaluation(reader: &$0) } ?? StudyEvaluation()
        models = try top.objects("models") { reader, _ in try ModelGroup(reader: &reader) }
        comparisons = try top.objects("comparisons") { reader, _ in try ComparisonGroup(reader: &reader) }
        try top.finish()
        guard !models.isEmpty else {
            throw StudyError.badValue(
                file: file, line: top.line, key: "models", reason: "a study trains at least one model group")
        }
        try validateReferences()
    }

    /// Names are unique, references resolve, and `start` links form no cycle.
    private func validateReferences() throws {
        var byName: [String: ModelGroup] = [:]
        for group in models {
            guard byName[group.name] == nil else {
                throw StudyError.badValue(
                    file: path, line: group.line, key: "name",
                    reason: "the model group '\(group.name)' is defined twice")
            }
            byName[group.name] = group
        }
        for group in models {
            guard let start = group.start else { continue }
            guard let parent = byName[start] else {
                throw StudyError.unknownReference(file: path, line: group.startLine, key: "start", name: start)
            }
            for width in group.widths ?? [] where !(parent.widths ?? []).contains(width) {
                throw StudyError.badValue(
                    file: path, line: group.startLine, key: "start",
                    reason: "'\(start)' has no width \(width), which '\(group.name)' trains")
            }
            if let seed = group.startSeed, !parent.seeds.contains(seed) {
                throw StudyError.badValue(
                    file: path, line: group.startLine, key: "start_seed", reason: "'\(start)' has no seed \(seed)")
            }
            if group.startSeed == nil {
                for seed in group.seeds where !parent.seeds.contains(seed) {
                    throw StudyError.badValue(
                        file: path, line: group.startLine, key: "start",
                        reason: "'\(start)' has no seed \(seed) to start '\(group.name)' from (or give start_seed)")
                }
            }
        }
        // Each group starts from at most one other, so following the links from any group either
        // ends or comes back to a group already on the chain.
        for group in models {
            var chain = [group.name]
            var current = group
            while let next = current.start {
                if let loop = chain.firstIndex(of: next) {
                    throw StudyError.cycle(
                        file: path, line: current.startLine, key: "start", groups: Array(chain[loop...]) + [next])
                }
                chain.append(next)
                current = byName[next]!
            }
        }
        for comparison in comparisons {
            guard let group = byName[comparison.models] else {
                throw StudyError.unknownReference(
                    file: path, line: comparison.modelsLine, key: "models", name: comparison.models)
            }
            if comparison.path == .star, group.seeds.count < 2 {
                throw StudyError.badValue(
                    file: path, line: comparison.modelsLine, key: "models",
                    reason: "a star needs at least 2 models per width and '\(group.name)' has \(group.seeds.count)")
            }
            if case .chosen(let pairs) = comparison.pairs {
                for (a, b) in pairs where !group.seeds.contains(a) || !group.seeds.contains(b) {
                    throw StudyError.badValue(
                        file: path, line: comparison.pairsLine, key: "pairs",
                        reason: "the pair [\(a), \(b)] names a seed that '\(group.name)' does not train")
                }
            }
        }
    }

    /// The model group called `name`.
    public func group(_ name: String) -> ModelGroup? { models.first { $0.name == name } }
}

/// Where the data comes from: a data-set spec as on the command line (`fashion-mnist`,
/// `npz:FILE`, `synthetic:KIND:…`), at most `limit` samples per split, a standardisation.
public struct StudyData: Codable, Hashable, Sendable {
    public var spec: String
    public var limit: Int?
    public var standardize: String?

    init(reader: inout StudyFileReader) throws {
        spec = try reader.string("spec")
        limit = try reader.optionalInteger("limit", minimum: 1)
        standardize = try reader.optionalString("standardize")
        let standardization = standardize.flatMap(Standardization.init(parsing:))
        if let standardize, standardization == nil, let m = reader.member("standardize") {
            throw reader.bad(m, "'\(standardize)' is not none, scalar, per-feature or mean=M,std=S")
        }
        do {
            _ = try datasetSpec()
        } catch {
            throw StudyError.badValue(file: reader.file, line: reader.line, key: "spec", reason: "\(error)")
        }
    }

    /// The parsed spec (nothing is loaded).
    public func datasetSpec() throws -> DatasetSpec {
        try DatasetSpec(
            parsing: spec, limit: limit, standardization: standardize.flatMap(Standardization.init(parsing:)))
    }
}

/// How paths are measured: `points` values of t on [0, 1] (t = ½ added), evaluation batch size.
public struct StudyEvaluation: Codable, Hashable, Sendable {
    public var points = 11
    public var batchSize = 1000

    init() {}

    init(reader: inout StudyFileReader) throws {
        points = try reader.integer("points", default: points, minimum: 2)
        batchSize = try reader.integer("batch_size", default: batchSize, minimum: 1)
    }
}

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

/// How a comparison aligns B before measuring the line A → B.
public enum ComparisonMethod: String, Codable, Hashable, Sendable, CaseIterable {
    /// The straight line, no alignment.
    case line
    /// Git Re-Basin weight matching, then the line A → π(B).
    case weightMatching = "weight-matching"
    /// Activation-correlation matching on the training data, then the line A → π(B).
    case activationMatching = "activation-matching"
}

/// The path a comparison measures between A and B (or π(B)).
public enum ComparisonPath: String, Codable, Hashable, Sendable, CaseIterable {
    /// The straight line.
    case line
    /// A quadratic (one bend) or higher Bézier curve fitted to low loss (Garipov et al. 2018).
    case bezier
    /// A polygonal chain through fitted bends (Garipov et al. 2018).
    case chain
    /// The fold-line A → c → B through a centre c fitted for the pair (Lin, Li & Wu 2024, Eq. 6–8):
    /// the pair's normalised geodesic distance bound, measured against the direct line.
    case foldLine = "fold-line"
    /// One centre fitted to all the group's models at a width (Lin, Li & Wu 2024, §5): a run per
    /// width, not per pair, with the mean over pairs of the direct and fold-line losses (Table 1).
    case star

    /// Whether the path goes through a fitted centre (and reads `centre_training`).
    public var hasCentre: Bool { self == .foldLine || self == .star }

    /// Whether the path is a fitted curve (and reads `bends` and `curve_training`).
    public var isCurve: Bool { self == .bezier || self == .chain }
}

/// Which pairs of seeds a comparison measures.
public enum ComparisonPairs: Sendable, Equatable {
    /// Every pair of seeds (a < b in the group's order) at each width.
    case all
    /// These pairs at each width.
    case chosen([(UInt64, UInt64)])

    public static func == (l: ComparisonPairs, r: ComparisonPairs) -> Bool {
        switch (l, r) {
        case (.all, .all): return true
        case (.chosen(let a), .chosen(let b)): return a.count == b.count && zip(a, b).allSatisfy { $0 == $1 }
        default: return false
        }
    }
}

/// One group of comparisons: `method` (the alignment: none for `line`) over `pairs` of the
/// models of group `models`, at each width, measured along `path`: the line, a Bézier curve or
/// polygonal chain with `bends` bends fitted with the `curve_training` settings, or the fold-line
/// through a centre fitted for the pair with the `centre_training` settings (NGD). A `star` path
/// takes no `pairs`: it fits one centre to all the models of each width (after aligning them to
/// the first seed's when `method` is a matching method). A line or curve may ask for the
/// Hessian's top eigenvalue and trace at each evaluated t (`hessian`).
public struct ComparisonGroup: Sendable, Equatable {
    public var name: String
    public var method: ComparisonMethod
    public var path: ComparisonPath
    /// The fit of a curved path (its seed is the comparison's `seed`); nil for the line.
    public var curveTraining: TrainingConfiguration?
    /// The centre fit of a fold-line or star (its seed is the comparison's `seed`); nil otherwise.
    public var centreTraining: CentreConfiguration?
    /// The curvature at each evaluated t of the line or curve (nil when not asked for).
    public var hessian: StudyHessian?
    public var bends: Int
    public var models: String
    public var pairs: ComparisonPairs
    /// Most coordinate-descent sweeps, and the seed of the layer order (weight matching).
    public var maxSweeps: Int
    public var seed: UInt64
    public var line: Int
    public var modelsLine: Int
    public var pairsLine: Int

    init(reader: inout StudyFileReader) throws {
        line = reader.line
        name = try reader.string("name")
        let methodText = try reader.string("method")
        guard let method = ComparisonMethod(rawValue: methodText) else {
            throw reader.bad(
                reader.member("method")!,
                "'\(methodText)' is not " + ComparisonMethod.allCases.map(\.rawValue).joined(separator: ", "))
        }
        self.method = method
        models = try reader.string("models")
        modelsLine = reader.member("models")!.line
        maxSweeps = try reader.integer("max_sweeps", default: 100, minimum: 1)
        seed = UInt64(try reader.integer("seed", default: 0, minimum: 0))
        let pathText = try reader.string("path", default: "line")
        guard let path = ComparisonPath(rawValue: pathText) else {
            throw reader.bad(
                reader.member("path")!,
                "'\(pathText)' is not " + ComparisonPath.allCases.map(\.rawValue).joined(separator: ", "))
        }
        self.path = path
        bends = try reader.integer("bends", default: 1, minimum: 1)
        curveTraining = try reader.object("curve_training") { try TrainingConfiguration(reader: &$0) }
        // `orbit ngd` fits with λ = 1e-4 (the paper's NGD estimate needs λ > 0); `orbit star` with none.
        let penalty = path == .foldLine ? 1e-4 : 0
        centreTraining = try reader.object("centre_training") { try CentreConfiguration(reader: &$0, penalty: penalty) }
        if path.isCurve {
            curveTraining = curveTraining ?? TrainingConfiguration()
            curveTraining!.seed = seed
        } else {
            for key in ["bends", "curve_training"] {
                if let m = reader.member(key) { throw reader.bad(m, "only a curved path (bezier, chain) has \(key)") }
            }
        }
        hessian = try reader.object("hessian") { try StudyHessian(reader: &$0) }
        if path.hasCentre, let m = reader.member("hessian") {
            throw reader.bad(m, "only a line or a fitted curve (line, bezier, chain) has hessian along its path")
        }
        if path.hasCentre {
            centreTraining = centreTraining ?? CentreConfiguration(penalty: penalty)
            centreTraining!.seed = seed
        } else if let m = reader.member("centre_training") {
            throw reader.bad(m, "only a path through a centre (fold-line, star) has centre_training")
        }
        pairsLine = reader.line
        pairs = .all
        if let m = reader.member("pairs") {
            pairsLine = m.line
            if path == .star {
                throw reader.bad(m, "a star fits one centre to all models of each width, so it takes no pairs")
            }
            switch m.value.value {
            case .string("all"): pairs = .all
            case .array(let list):
                var chosen: [(UInt64, UInt64)] = []
                for item in list {
                    guard case .array(let two) = item.value, two.count == 2 else {
                        throw StudyError.typeMismatch(
                            file: reader.file, line: item.line, key: "pairs", expected: "a pair [seed, seed]",
                            found: item.kindName)
                    }
                    let a = try reader.integer(two[0], key: "pairs", minimum: 0)
                    let b = try reader.integer(two[1], key: "pairs", minimum: 0)
                    guard a != b else { throw reader.bad(m, "the pair [\(a), \(b)] compares a model with itself") }
                    chosen.append((UInt64(a), UInt64(b)))
                }
                pairs = .chosen(chosen)
            default:
                throw StudyError.typeMismatch(
                    file: reader.file, line: m.value.line, key: "pairs",
                    expected: "\"all\" or an array of [seed, seed]",
                    found: m.value.kindName)
            }
        }
    }
}
