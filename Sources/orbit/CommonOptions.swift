import ArgumentParser
import Foundation
import OrbitKit

/// Where the data comes from: `--data`, `--limit`, `--standardize`.
struct DataOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Data set: fashion-mnist, fashion-mnist:DIR, npz:FILE[:layout=nchw|nhwc], csv:FILE[:label=COL], synthetic:KIND:key=value,….",
            valueName: "spec"))
    var data: String

    @Option(help: "Use at most this many samples of each split.")
    var limit: Int?

    @Option(
        help: ArgumentHelp(
            "none, scalar, per-feature or mean=M,std=S (default: scalar for real data).", valueName: "mode"))
    var standardize: String?

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if let standardize, Standardization(parsing: standardize) == nil {
            throw ValidationError(
                "--standardize takes none, scalar, per-feature or mean=M,std=S (got '\(standardize)')")
        }
    }

    func load() throws -> Dataset {
        let spec = try DatasetSpec(
            parsing: data, limit: limit, standardization: standardize.flatMap(Standardization.init(parsing:)))
        return try spec.load()
    }
}

/// How a model file is read: `--arch`, `--map`.
struct ModelOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Network description for files that store none (default: a dense chain inferred from the tensor shapes, ReLU between layers), e.g. mlp:784-512-10:relu.",
            valueName: "description"))
    var arch: String?

    @Option(
        help: ArgumentHelp(
            "Rename a tensor (or a module: fc1=layers.0) of the file (repeatable), e.g. --map fc1.weight=layers.0.weight.",
            valueName: "file=orbit")
    )
    var map: [String] = []

    func validate() throws {
        for m in map where m.split(separator: "=").count != 2 {
            throw ValidationError("--map takes FILE_NAME=ORBIT_NAME (got '\(m)')")
        }
        if let arch { _ = try Network(parsing: arch) }
    }

    func load(_ path: String) throws -> Model<Float> { try load(path, as: Float.self) }

    func load<Scalar: BLASScalar>(_ path: String, as _: Scalar.Type) throws -> Model<Scalar> {
        let network = try arch.map { try Network(parsing: $0) }
        var nameMap: [String: String] = [:]
        for m in map {
            let kv = m.split(separator: "=", maxSplits: 1).map(String.init)
            nameMap[kv[0]] = kv[1]
        }
        let model: Model<Scalar> = try ModelFile.read(
            path, network: network, nameMap: nameMap, inferringDenseChain: true)
        if let inference = model.inference {
            FileHandle.standardError.write(Data("note: \(path): \(inference.summary)\n".utf8))
        }
        if !model.renamedTensors.isEmpty {
            let pairs = model.renamedTensors.map { "\($0.file) → \($0.orbit)" }.joined(separator: ", ")
            FileHandle.standardError.write(
                Data("note: \(path): tensors read as Orbit's (written back under the file's names): \(pairs)\n".utf8))
        }
        return model
    }
}

/// Formats a metrics table: one row per split.
func metricsTable(_ rows: [(String, SplitMetrics)], loss: LossFunction) -> String {
    var lines = ["split    loss (\(loss.rawValue))    accuracy"]
    for (name, m) in rows {
        let accuracy = m.accuracy.map { String(format: "%7.2f%%", $0 * 100) } ?? "      –"
        lines.append(
            name.padding(toLength: 8, withPad: " ", startingAt: 0) + String(format: " %15.6f", m.loss) + "    "
                + accuracy)
    }
    return lines.joined(separator: "\n")
}
