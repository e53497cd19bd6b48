import Foundation
import OrbitCheckpoints
import OrbitFormats
import OrbitNetworks
import OrbitNumerics

/// A resumable training run on disk: θ, the optimiser's moments and the history after the last
/// completed epoch (or the last checkpointed step inside an epoch), with the network and
/// configuration it belongs to. Written atomically (a temporary file, then rename) after each epoch
/// and every N steps with `--checkpoint-every N`, so a killed run loses at most N steps.
///
/// Format: safetensors with tensors `theta`, `optimizer.first`, `optimizer.second` and metadata
/// `orbit.network`, `orbit.training` (configuration JSON), `orbit.history` (JSON), `orbit.epochs`,
/// `orbit.optimizer-step`, and for a state inside an epoch `orbit.steps` (steps done in it) and
/// `orbit.partial` (its running sums: the loss sum's IEEE bit pattern in hex, correct, seen — the
/// bit pattern, so the resumed sum is exactly the interrupted one). Files without `orbit.steps`
/// are epoch-boundary states.
public enum TrainingStateFile {
    public static func write<Scalar: BLASScalar & TensorScalar>(
        _ state: TrainingState<Scalar>, network: Network, configuration: TrainingConfiguration, to path: String
    ) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let metadata = [
            "orbit.network": network.jsonDescription,
            "orbit.training": String(decoding: try encoder.encode(configuration), as: UTF8.self),
            "orbit.history": String(decoding: try encoder.encode(state.history), as: UTF8.self),
            "orbit.epochs": "\(state.completedEpochs)",
            "orbit.optimizer-step": "\(state.optimizerStep)",
            "orbit.steps": "\(state.completedSteps)",
            "orbit.partial":
                "\(String(state.partialLossSum.bitPattern, radix: 16)),\(state.partialCorrect),\(state.partialSeen)",
        ]
        let tensors = [
            try RawTensor(name: "theta", shape: [state.parameters.count], elements: state.parameters.flat),
            try RawTensor(name: "optimizer.first", shape: [state.optimizerFirst.count], elements: state.optimizerFirst),
            try RawTensor(
                name: "optimizer.second", shape: [state.optimizerSecond.count], elements: state.optimizerSecond),
        ]
        try SafetensorsFile(tensors: tensors, metadata: metadata).write(to: path)
    }

    /// Reads a state written by ``write(_:network:configuration:to:)``; throws unless it belongs to
    /// the same network and configuration (a resumed run must be the run that was interrupted).
    public static func read<Scalar: BLASScalar>(
        _ path: String, network: Network, configuration: TrainingConfiguration, as _: Scalar.Type = Scalar.self
    ) throws -> TrainingState<Scalar> {
        let file = try SafetensorsFile.read(path)
        let decoder = JSONDecoder()
        guard let storedNetwork = file.metadata["orbit.network"].flatMap({ try? Network(json: $0) }),
            storedNetwork == network
        else {
            throw TrainingError.invalidConfiguration(
                "\(path) was written for another network; delete it or drop --resume")
        }
        guard let configText = file.metadata["orbit.training"],
            let stored = try? decoder.decode(TrainingConfiguration.self, from: Data(configText.utf8)),
            stored == configuration
        else {
            throw TrainingError.invalidConfiguration(
                "\(path) was written with other training options; resume with the same options")
        }
        guard let epochs = file.metadata["orbit.epochs"].flatMap(Int.init),
            let step = file.metadata["orbit.optimizer-step"].flatMap(Int.init),
            let historyText = file.metadata["orbit.history"],
            let history = try? decoder.decode([EpochRecord].self, from: Data(historyText.utf8))
        else {
            throw TrainingError.invalidConfiguration("\(path) lacks its epoch count, optimizer step or history")
        }
        func values(_ name: String) throws -> [Scalar] { try file.tensor(name, file: path).values(as: Scalar.self) }
        let theta = try values("theta")
        guard theta.count == network.parameterCount else {
            throw TrainingError.invalidConfiguration(
                "\(path) holds \(theta.count) parameters, the network has \(network.parameterCount)")
        }
        var state = TrainingState(
            completedEpochs: epochs, parameters: ParameterVector(layout: network.layout, flat: theta),
            optimizerStep: step,
            optimizerFirst: try values("optimizer.first"), optimizerSecond: try values("optimizer.second"),
            history: history)
        if let stepsText = file.metadata["orbit.steps"] {
            let partial = file.metadata["orbit.partial"]?.split(separator: ",") ?? []
            guard let steps = Int(stepsText), steps >= 0, partial.count == 3,
                let lossBits = UInt64(partial[0], radix: 16), let correct = Int(partial[1]), let seen = Int(partial[2])
            else {
                throw TrainingError.invalidConfiguration("\(path) has an unreadable position inside its epoch")
            }
            state.completedSteps = steps
            state.partialLossSum = Double(bitPattern: lossBits)
            state.partialCorrect = correct
            state.partialSeen = seen
        }
        return state
    }
}
