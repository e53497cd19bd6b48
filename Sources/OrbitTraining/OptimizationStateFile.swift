import Foundation
import OrbitFormats
import OrbitNetworks
import OrbitNumerics

/// What a state file must match to resume a run, contributed by the client: its kind (the run type),
/// network and configuration, the tensor names of its points and their optimisers' moments, and its
/// own checks (metadata that must be equal, e.g. the centre's fingerprint of the feet).
public struct OptimizationStateIdentity<Run: OptimizationRun> {
    public var network: Network
    public var configuration: Run.Configuration
    /// The tensor of each point, e.g. `theta`, `bend.0`, `centre`.
    public var pointTensors: [String]
    /// The prefix of each point's optimiser tensors (`PREFIX.first`, `PREFIX.second`).
    public var optimizerPrefixes: [String]
    /// Metadata that must be equal: key, value, and what it identifies (for the message).
    public var checks: [(key: String, value: String, meaning: String)]
    /// Where files written before format 2 kept the configuration (`orbit.training`, …).
    public var legacyConfigurationKey: String

    public init(
        network: Network, configuration: Run.Configuration, pointTensors: [String],
        optimizerPrefixes: [String], checks: [(key: String, value: String, meaning: String)] = [],
        legacyConfigurationKey: String
    ) {
        precondition(pointTensors.count == optimizerPrefixes.count, "one optimiser per point")
        self.network = network
        self.configuration = configuration
        self.pointTensors = pointTensors
        self.optimizerPrefixes = optimizerPrefixes
        self.checks = checks
        self.legacyConfigurationKey = legacyConfigurationKey
    }
}

/// A resumable optimisation on disk, one format for training, curve fitting and centre finding:
/// safetensors (written atomically, ``SafetensorsFile/write(to:)``), after each epoch and every N
/// steps with `--checkpoint-every N`, so a killed run loses at most N steps.
///
/// Tensors: each point under its client's name (`theta`; `bend.J`; `centre`) and its optimiser's
/// moments `PREFIX.first`, `PREFIX.second`. Metadata: `orbit.state-format` (2), `orbit.kind`
/// (training, curve, centre), `orbit.network`, `orbit.configuration` (JSON), `orbit.epochs`,
/// `orbit.steps` (steps done in the epoch in progress), `orbit.partial` (its running sums: the loss
/// sum's IEEE bit pattern in hex — so the resumed sum is exactly the interrupted one —, correct,
/// samples), `orbit.optimizer-steps` (one per point), `orbit.history` (JSON) and the client's own
/// checks (`orbit.feet`, …).
///
/// Files of the earlier per-client formats (no `orbit.state-format`) still load: their kind is told
/// by their configuration key and tensors, a missing position is an epoch boundary.
public enum OptimizationStateFile {
    public static let formatVersion = 2

    public static func write<Scalar: BLASScalar & TensorScalar, Run>(
        _ state: OptimizationState<Scalar, Run>, identity: OptimizationStateIdentity<Run>,
        to path: String
    ) throws {
        precondition(state.points.count == identity.pointTensors.count, "a state of the identity's points")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var metadata = [
            "orbit.state-format": "\(formatVersion)",
            "orbit.kind": Run.kind.rawValue,
            "orbit.network": identity.network.jsonDescription,
            "orbit.configuration": String(decoding: try encoder.encode(identity.configuration), as: UTF8.self),
            "orbit.history": String(decoding: try encoder.encode(state.history), as: UTF8.self),
            "orbit.epochs": "\(state.completedEpochs)",
            "orbit.steps": "\(state.completedSteps)",
            "orbit.partial":
                "\(String(state.partial.loss.bitPattern, radix: 16)),\(state.partial.correct),\(state.partial.samples)",
            "orbit.optimizer-steps": state.optimizers.map { "\($0.step)" }.joined(separator: ","),
        ]
        for check in identity.checks { metadata[check.key] = check.value }
        var tensors: [RawTensor] = []
        for (j, point) in state.points.enumerated() {
            let o = state.optimizers[j], prefix = identity.optimizerPrefixes[j]
            tensors.append(try RawTensor(name: identity.pointTensors[j], shape: [point.count], elements: point.flat))
            tensors.append(try RawTensor(name: prefix + ".first", shape: [o.first.count], elements: o.first))
            tensors.append(try RawTensor(name: prefix + ".second", shape: [o.second.count], elements: o.second))
        }
        try SafetensorsFile(tensors: tensors, metadata: metadata).write(to: path)
    }

    /// The kind of run a file holds, or a description of what it is when it is no state file.
    static func kind(of file: SafetensorsFile) -> (OptimizationKind?, String) {
        if let text = file.metadata["orbit.kind"] {
            guard let kind = OptimizationKind(rawValue: text) else { return (nil, "an unknown kind '\(text)'") }
            return (kind, kind.runDescription)
        }
        // Before format 2: told by the configuration key and the tensors.
        let names = Set(file.tensors.map(\.name))
        let kind: OptimizationKind?
        if file.metadata["orbit.centre-configuration"] != nil {
            kind = .centre
        } else if names.contains("bend.0") {
            kind = .curve
        } else if names.contains("theta") && file.metadata["orbit.training"] != nil {
            kind = .training
        } else {
            kind = nil
        }
        return (kind, kind?.runDescription ?? "no orbit run (a model or another safetensors file)")
    }

    /// Reads a state written by ``write(_:identity:to:)`` (or by the earlier per-client formats);
    /// throws ``OptimizationStateError`` naming the file and what differs unless it belongs to the
    /// same kind of run, network, configuration, points and client checks — a resumed run must be
    /// the run that was interrupted.
    public static func read<Scalar: BLASScalar, Run>(
        _ path: String, identity: OptimizationStateIdentity<Run>, as _: Scalar.Type = Scalar.self
    ) throws -> OptimizationState<Scalar, Run> {
        let file = try SafetensorsFile.read(path)
        let metadata = file.metadata
        if let version = metadata["orbit.state-format"], (Int(version) ?? Int.max) > formatVersion {
            throw OptimizationStateError.newerFormat(file: path, version: version)
        }
        let (kind, found) = kind(of: file)
        guard kind == Run.kind else {
            throw OptimizationStateError.wrongKind(file: path, expected: Run.kind, found: found)
        }
        let network = identity.network
        guard let storedNetwork = metadata["orbit.network"].flatMap({ try? Network(json: $0) }) else {
            throw OptimizationStateError.unreadable(file: path, what: "network description (orbit.network)")
        }
        guard storedNetwork == network else {
            throw OptimizationStateError.mismatch(
                file: path, what: "network", saved: summary(storedNetwork), current: summary(network))
        }
        let decoder = JSONDecoder()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let configText = metadata["orbit.configuration"] ?? metadata[identity.legacyConfigurationKey],
            let stored = try? decoder.decode(Run.Configuration.self, from: Data(configText.utf8))
        else {
            throw OptimizationStateError.unreadable(file: path, what: "configuration")
        }
        if stored != identity.configuration {
            let current = String(decoding: try encoder.encode(identity.configuration), as: UTF8.self)
            let saved = String(decoding: try encoder.encode(stored), as: UTF8.self)
            let (a, b) = differences(saved, current)
            throw OptimizationStateError.mismatch(file: path, what: "options", saved: a, current: b)
        }
        for check in identity.checks where metadata[check.key] != check.value {
            throw OptimizationStateError.mismatch(
                file: path, what: check.meaning, saved: metadata[check.key] ?? "none", current: check.value)
        }
        guard let epochs = metadata["orbit.epochs"].flatMap(Int.init), epochs >= 0 else {
            throw OptimizationStateError.unreadable(file: path, what: "epoch count (orbit.epochs)")
        }
        guard let stepsText = metadata["orbit.optimizer-steps"] ?? metadata["orbit.optimizer-step"],
            case let steps = stepsText.split(separator: ",").compactMap({ Int($0) }),
            steps.count == stepsText.split(separator: ",").count
        else {
            throw OptimizationStateError.unreadable(file: path, what: "optimiser step count (orbit.optimizer-steps)")
        }
        guard steps.count == identity.pointTensors.count else {
            throw OptimizationStateError.mismatch(
                file: path, what: "number of optimised points", saved: "\(steps.count)",
                current: "\(identity.pointTensors.count) (\(identity.pointTensors.joined(separator: ", ")))")
        }
        guard let historyText = metadata["orbit.history"],
            let history = try? decoder.decode([Run.Record].self, from: Data(historyText.utf8))
        else {
            throw OptimizationStateError.unreadable(file: path, what: "history (orbit.history)")
        }
        var completedSteps = 0
        var partial = EpochSums()
        if let text = metadata["orbit.steps"] {
            // Format 2 and the training format: "bits,correct,samples"; the earlier curve and centre
            // formats: "bits".
            let fields = metadata["orbit.partial"]?.split(separator: ",", omittingEmptySubsequences: false) ?? []
            guard let steps = Int(text), steps >= 0, fields.count == 3 || fields.count == 1,
                let bits = UInt64(fields[0], radix: 16)
            else {
                throw OptimizationStateError.unreadable(file: path, what: "position inside its epoch")
            }
            completedSteps = steps
            partial.loss = Double(bitPattern: bits)
            if fields.count == 3 {
                guard let correct = Int(fields[1]), let samples = Int(fields[2]) else {
                    throw OptimizationStateError.unreadable(file: path, what: "position inside its epoch")
                }
                partial.correct = correct
                partial.samples = samples
            }
        }
        func values(_ name: String) throws -> [Scalar] { try file.tensor(name, file: path).values(as: Scalar.self) }
        var points: [ParameterVector<Scalar>] = []
        var optimizers: [OptimizerSnapshot<Scalar>] = []
        for (j, name) in identity.pointTensors.enumerated() {
            let theta = try values(name)
            guard theta.count == network.parameterCount else {
                throw OptimizationStateError.mismatch(
                    file: path, what: "parameter count (tensor \(name))", saved: "\(theta.count)",
                    current: "\(network.parameterCount)")
            }
            points.append(ParameterVector(layout: network.layout, flat: theta))
            let prefix = identity.optimizerPrefixes[j]
            let first = try values(prefix + ".first"), second = try values(prefix + ".second")
            guard first.count == theta.count, second.isEmpty || second.count == theta.count else {
                throw OptimizationStateError.unreadable(
                    file: path, what: "optimiser state (\(prefix): \(first.count) and \(second.count) values)")
            }
            optimizers.append(OptimizerSnapshot(step: steps[j], first: first, second: second))
        }
        return OptimizationState(
            completedEpochs: epochs, points: points, optimizers: optimizers, history: history,
            completedSteps: completedSteps, partial: partial)
    }

    static func summary(_ network: Network) -> String {
        network.compactDescription ?? "\(network.parameterCount) parameters"
    }

    /// The top-level fields of two JSON objects that differ, as "key value" lists (the whole texts
    /// when they are not objects).
    static func differences(_ saved: String, _ current: String) -> (String, String) {
        guard let a = try? JSONSerialization.jsonObject(with: Data(saved.utf8)) as? [String: Any],
            let b = try? JSONSerialization.jsonObject(with: Data(current.utf8)) as? [String: Any]
        else { return (saved, current) }
        func text(_ value: Any?) -> String {
            guard let value else { return "none" }
            if let data = try? JSONSerialization.data(
                withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
            {
                return String(decoding: data, as: UTF8.self)
            }
            return "\(value)"
        }
        let keys = Set(a.keys).union(b.keys).sorted().filter { text(a[$0]) != text(b[$0]) }
        guard !keys.isEmpty else { return (saved, current) }
        return (
            keys.map { "\($0) \(text(a[$0]))" }.joined(separator: ", "),
            keys.map { "\($0) \(text(b[$0]))" }.joined(separator: ", ")
        )
    }
}
