import Foundation
import OrbitCheckpoints
import OrbitFormats
import OrbitNetworks
import OrbitNumerics

/// A resumable training run on disk: θ, the optimiser's moments and the history after the last
/// completed epoch, with the network and configuration it belongs to. Written atomically after each
/// epoch (a temporary file, then rename), so a killed run loses at most the epoch in progress.
///
/// Format: safetensors with tensors `theta`, `optimizer.first`, `optimizer.second` and metadata
/// `orbit.network`, `orbit.training` (configuration JSON), `orbit.history` (JSON), `orbit.epochs`,
/// `orbit.optimizer-step`.
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
        return TrainingState(
            completedEpochs: epochs, parameters: ParameterVector(layout: network.layout, flat: theta),
            optimizerStep: step,
            optimizerFirst: try values("optimizer.first"), optimizerSecond: try values("optimizer.second"),
            history: history)
    }
}
