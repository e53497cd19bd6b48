import OrbitFormats
import OrbitReports

/// sweep.json: the sweep's kind, axes and every run's folder name and configuration.
public struct SweepManifest: Codable, Equatable {
    public struct Entry: Codable, Equatable {
        public var index: Int
        public var id: String
        public var configuration: [String: ResultValue]
    }

    public var kind: String
    /// The configuration key on the charts' x axis ("" when absent from an older manifest).
    public var x: String?
    public var logX: Bool?
    /// The keys averaged over (["seed"] when absent).
    public var repetitionKeys: [String]?
    public var runs: [Entry]
    public var orbitVersion: String? = OrbitFormats.orbitVersion

    enum CodingKeys: String, CodingKey {
        case kind, x
        case logX = "log_x"
        case repetitionKeys = "repetition_keys"
        case runs
        case orbitVersion = "orbit_version"
    }
}

/// runs/ID/result.json: one finished run's configuration, metrics and time.
public struct SweepRunResult: Codable, Equatable {
    public var kind: String?
    public var id: String?
    public var configuration: [String: ResultValue]?
    /// Metric name → value; non-finite values are kept (see `JSONReport`).
    public var metrics: [String: Double]
    public var seconds: Double?
    public var orbitVersion: String? = OrbitFormats.orbitVersion

    enum CodingKeys: String, CodingKey {
        case kind, id, configuration, metrics, seconds
        case orbitVersion = "orbit_version"
    }
}
