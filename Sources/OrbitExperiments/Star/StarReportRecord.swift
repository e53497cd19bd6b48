import OrbitFormats
import OrbitPaths
import OrbitStar

/// The paper's Table 1 for one split: direct lines vs fold-lines through the centre, path-max loss
/// and path-min accuracy averaged over pairs (`null` where there is nothing to average).
public struct StarTableRecord: Codable, Equatable {
    public var pairs: Int
    public var directLossPathMax: Double?
    public var directAccuracyPathMin: Double?
    public var foldLossPathMax: Double?
    public var foldAccuracyPathMin: Double?
    public var ngdBoundMean: Double?

    public init(_ pairs: [StarPair], split: String) {
        self.pairs = pairs.count
        directLossPathMax = StarEvaluation.mean(pairs, direct: true, split: split)
        directAccuracyPathMin = StarEvaluation.mean(pairs, direct: true, split: split, metric: "accuracy")
        foldLossPathMax = StarEvaluation.mean(pairs, direct: false, split: split)
        foldAccuracyPathMin = StarEvaluation.mean(pairs, direct: false, split: split, metric: "accuracy")
        let bounds = pairs.map(\.normalizedGeodesicDistanceBound)
        ngdBoundMean = bounds.isEmpty ? nil : bounds.reduce(0, +) / Double(bounds.count)
    }

    enum CodingKeys: String, CodingKey {
        case pairs
        case directLossPathMax = "direct_loss_path_max"
        case directAccuracyPathMin = "direct_accuracy_path_min"
        case foldLossPathMax = "fold_loss_path_max"
        case foldAccuracyPathMin = "fold_accuracy_path_min"
        case ngdBoundMean = "ngd_bound_mean"
    }

    public func encode(to encoder: Encoder) throws {
        // Missing means are written as null so every table has the same keys.
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(pairs, forKey: .pairs)
        try container.encode(directLossPathMax, forKey: .directLossPathMax)
        try container.encode(directAccuracyPathMin, forKey: .directAccuracyPathMin)
        try container.encode(foldLossPathMax, forKey: .foldLossPathMax)
        try container.encode(foldAccuracyPathMin, forKey: .foldAccuracyPathMin)
        try container.encode(ngdBoundMean, forKey: .ngdBoundMean)
    }
}

/// One pair of feet in star.json: the direct line, the fold-line through the centre, the NGD bound.
public struct StarPairRecord: Codable, Equatable {
    public var first: String
    public var second: String
    public var ngdBound: Double
    public var direct: PathProfileRecord
    public var fold: PathProfileRecord

    public init(_ p: StarPair) {
        first = p.first
        second = p.second
        ngdBound = p.normalizedGeodesicDistanceBound
        direct = PathProfileRecord(p.direct)
        fold = PathProfileRecord(p.fold)
    }

    enum CodingKeys: String, CodingKey {
        case first, second
        case ngdBound = "ngd_bound"
        case direct, fold
    }
}

/// star.json: every number of a star report, the barrier definitions, the centre-finding options,
/// seeds and version.
public struct StarReportRecord: Encodable {
    public var orbitVersion = OrbitFormats.orbitVersion
    public var paper = "Lin, Li & Wu 2024 (arXiv 2404.06391), Table 1, Eq. 6-8"
    public var models: [String]
    public var heldOut: [String]
    public var modelSeeds: [String]
    public var data: String
    public var lossFunction: String
    public var network: String
    /// `reset`, `interpolate` or `none` (no BatchNorm in the network): see ``BatchNormReporting``.
    public var batchNorm: String
    public var centreSource: String
    public var centreHistory: [Double]
    public var centreConfiguration: CentreConfiguration?
    public var tPerArm: [Double]
    /// definition → {"loss": formula, "accuracy": formula}.
    public var barrierDefinitions: [String: [String: String]]
    public var arms: [PathProfileRecord]
    public var heldOutArms: [PathProfileRecord]
    public var pairs: [StarPairRecord]
    public var heldOutPairs: [StarPairRecord]
    /// split → Table 1 over the fitted pairs.
    public var table1: [String: StarTableRecord]
    /// split → Table 1 over the held-out pairs; absent without held-out feet.
    public var table1HeldOut: [String: StarTableRecord]?

    public init(_ evaluation: StarEvaluation, context: StarReportContext) {
        let splits = evaluation.arms.first.map { $0.splits.keys.sorted(by: >) } ?? ["train"]
        models = context.models
        heldOut = context.heldOut
        modelSeeds = context.modelSeeds
        data = context.data
        lossFunction = context.loss
        network = context.network.compactDescription ?? context.network.jsonDescription
        batchNorm = BatchNormReporting(context.batchNorm, network: context.network).jsonValue
        centreSource = context.centreSource
        centreHistory = context.history
        centreConfiguration = context.configuration
        tPerArm = evaluation.t
        barrierDefinitions = Dictionary(
            uniqueKeysWithValues: BarrierDefinition.allCases.map {
                ($0.rawValue, ["loss": $0.formula, "accuracy": $0.accuracyFormula])
            })
        arms = evaluation.arms.map(PathProfileRecord.init)
        heldOutArms = evaluation.heldOutArms.map(PathProfileRecord.init)
        pairs = evaluation.pairs.map(StarPairRecord.init)
        heldOutPairs = evaluation.heldOutPairs.map(StarPairRecord.init)
        table1 = Dictionary(uniqueKeysWithValues: splits.map { ($0, StarTableRecord(evaluation.pairs, split: $0)) })
        if !evaluation.heldOutPairs.isEmpty {
            table1HeldOut = Dictionary(
                uniqueKeysWithValues: splits.map { ($0, StarTableRecord(evaluation.heldOutPairs, split: $0)) })
        }
    }

    enum CodingKeys: String, CodingKey {
        case orbitVersion = "orbit_version"
        case paper, models
        case heldOut = "held_out"
        case modelSeeds = "model_seeds"
        case data
        case lossFunction = "loss_function"
        case network
        case batchNorm = "batch_norm"
        case centreSource = "centre_source"
        case centreHistory = "centre_history"
        case centreConfiguration = "centre_configuration"
        case tPerArm = "t_per_arm"
        case barrierDefinitions = "barrier_definitions"
        case arms
        case heldOutArms = "held_out_arms"
        case pairs
        case heldOutPairs = "held_out_pairs"
        case table1
        case table1HeldOut = "table1_held_out"
    }
}
