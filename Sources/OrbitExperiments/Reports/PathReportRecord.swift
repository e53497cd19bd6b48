import OrbitCurvature
import OrbitFormats
import OrbitPaths
import OrbitReports

/// profile.json: the main path's fields at the top level (see ``writePathReport(_:context:directory:)``),
/// what the run used, every barrier definition, and every path.
public struct PathReportRecord: Encodable {
    public var main: PathProfileRecord
    public var orbitVersion = OrbitFormats.orbitVersion
    public var models: [String]
    public var modelSeeds: [String]
    public var data: String
    public var lossFunction: String
    /// The network's compact description (`mlp:…`), or its JSON spec when it has none.
    public var network: String
    /// `reset`, `interpolate` or `none` (no BatchNorm in the network): see ``BatchNormReporting``.
    public var batchNorm: String
    /// definition → {"loss": formula, "accuracy": formula}.
    public var barrierDefinitions: [String: [String: String]]
    public var paths: [PathProfileRecord]
    /// Non-finite values found (see ``pathWarnings(_:)``); absent when there are none.
    public var warnings: [String]?
    /// The Hessian's top eigenvalue and trace along each path (`orbit path --hessian`); absent otherwise.
    public var curvature: [PathCurvatureRecord]?

    public init(_ profiles: [PathProfile], context: PathReportContext) {
        main = PathProfileRecord(mainProfile(of: profiles))
        models = context.models
        modelSeeds = context.modelSeeds
        data = context.data
        lossFunction = context.loss
        network = context.network.compactDescription ?? context.network.jsonDescription
        batchNorm = context.batchNormReporting.jsonValue
        barrierDefinitions = Dictionary(
            uniqueKeysWithValues: BarrierDefinition.allCases.map {
                ($0.rawValue, ["loss": $0.formula, "accuracy": $0.accuracyFormula])
            })
        paths = profiles.map(PathProfileRecord.init)
        let found = pathWarnings(profiles)
        warnings = found.isEmpty ? nil : found
    }

    enum CodingKeys: String, CodingKey {
        case orbitVersion = "orbit_version"
        case models
        case modelSeeds = "model_seeds"
        case data
        case lossFunction = "loss_function"
        case network
        case batchNorm = "batch_norm"
        case barrierDefinitions = "barrier_definitions"
        case paths, warnings, curvature
    }

    public func encode(to encoder: Encoder) throws {
        try main.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(orbitVersion, forKey: .orbitVersion)
        try container.encode(models, forKey: .models)
        try container.encode(modelSeeds, forKey: .modelSeeds)
        try container.encode(data, forKey: .data)
        try container.encode(lossFunction, forKey: .lossFunction)
        try container.encode(network, forKey: .network)
        try container.encode(batchNorm, forKey: .batchNorm)
        try container.encode(barrierDefinitions, forKey: .barrierDefinitions)
        try container.encode(paths, forKey: .paths)
        try container.encodeIfPresent(warnings, forKey: .warnings)
        try container.encodeIfPresent(curvature, forKey: .curvature)
    }
}

/// One path as JSON: its points (t with train/test loss and accuracy), geometry and barriers keyed
/// by definition name, then split, then metric (`loss`, `loss_at_t`, `accuracy`, `accuracy_at_t`).
public struct PathProfileRecord: Codable, Equatable {
    public struct Point: Codable, Equatable {
        public var t: Double
        /// split name → metrics at t.
        public var splits: [String: MetricsRecord]

        public init(t: Double, splits: [String: MetricsRecord]) {
            self.t = t
            self.splits = splits
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: NamedKey.self)
            try container.encode(t, forKey: NamedKey("t"))
            for (split, metrics) in splits { try container.encode(metrics, forKey: NamedKey(split)) }
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: NamedKey.self)
            t = try container.decode(Double.self, forKey: NamedKey("t"))
            splits = [:]
            for key in container.allKeys where key.stringValue != "t" {
                splits[key.stringValue] = try container.decode(MetricsRecord.self, forKey: key)
            }
        }
    }

    public var name: String
    public var kind: String
    public var points: [Point]
    public var barriers: [String: [String: [String: Double]]]
    public var length: Double?
    public var chordLength: Double?
    public var normalizedLength: Double?

    public init(_ p: PathProfile) {
        name = p.name
        kind = p.kind
        points = p.t.indices.map { i in Point(t: p.t[i], splits: p.splits.mapValues { MetricsRecord($0[i]) }) }
        barriers = [:]
        for b in p.barriers {
            barriers[b.definition.rawValue, default: [:]][b.split, default: [:]][b.metric] = b.value
            barriers[b.definition.rawValue, default: [:]][b.split, default: [:]]["\(b.metric)_at_t"] = b.at
        }
        length = p.length
        chordLength = p.chordLength
        normalizedLength = p.normalizedLength
    }

    enum CodingKeys: String, CodingKey {
        case name, kind, points, barriers, length
        case chordLength = "chord_length"
        case normalizedLength = "normalized_length"
    }
}

/// A coding key with any name, for objects whose keys are data (split names).
struct NamedKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
