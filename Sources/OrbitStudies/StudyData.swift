import Foundation
import OrbitData
import OrbitFormats
import OrbitNetworks
import OrbitStar
import OrbitTraining

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
    /// `batch_norm`: how BatchNorm's running statistics are set at each point (`--bn` of the
    /// commands; reset when absent). Absent from the run's configuration unless given, so the runs
    /// of existing study files keep their hashes.
    public var batchNorm: BatchNormHandling?

    /// The handling the evaluators use.
    public var batchNormHandling: BatchNormHandling { batchNorm ?? .reset }

    init() {}

    init(reader: inout StudyFileReader) throws {
        points = try reader.integer("points", default: points, minimum: 2)
        batchSize = try reader.integer("batch_size", default: batchSize, minimum: 1)
        if let text = try reader.optionalString("batch_norm") {
            guard let handling = BatchNormHandling(rawValue: text) else {
                throw reader.bad(reader.member("batch_norm")!, "batch_norm is reset or interpolate, got '\(text)'")
            }
            batchNorm = handling
        }
    }
}
