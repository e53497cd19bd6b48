import OrbitFormats
import OrbitReports

/// The demo's summary.json: the setting, every model's metrics and every path group's profiles and
/// numbers.
public struct DemoSummaryRecord: Encodable {
    public struct Training: Codable, Equatable {
        public var epochs: Int
        public var batchSize: Int
        public var learningRate: Double
        public var optimizer: String

        enum CodingKeys: String, CodingKey {
            case epochs
            case batchSize = "batch_size"
            case learningRate = "learning_rate"
            case optimizer
        }
    }

    public struct Model: Codable, Equatable {
        public var name: String
        public var file: String
        /// null for derived models (an aligned copy, a centre).
        public var seed: Int?
        public var train: MetricsRecord
        public var test: MetricsRecord?

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(file, forKey: .file)
            try container.encode(seed, forKey: .seed)
            try container.encode(train, forKey: .train)
            try container.encode(test, forKey: .test)
        }
    }

    public struct Group: Encodable {
        public var key: String
        public var heading: String
        public var paths: [PathProfileRecord]
        public var numbers: ResultValue
    }

    public var orbitVersion = OrbitFormats.orbitVersion
    public var data: String
    public var network: String
    public var quick: Bool
    public var seconds: Double
    public var notes: [String]
    public var seeds: [Int]
    public var training: Training
    /// definition → {"loss": formula, "accuracy": formula}.
    public var barrierDefinitions: [String: [String: String]]
    public var models: [Model]
    public var groups: [Group]

    enum CodingKeys: String, CodingKey {
        case orbitVersion = "orbit_version"
        case data, network, quick, seconds, notes, seeds, training
        case barrierDefinitions = "barrier_definitions"
        case models, groups
    }
}
