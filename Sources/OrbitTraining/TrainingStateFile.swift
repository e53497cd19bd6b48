import Foundation
import OrbitFormats
import OrbitNetworks
import OrbitNumerics

/// A resumable training run on disk in the shared format of ``OptimizationStateFile`` (kind
/// `training`): θ as tensor `theta`, its optimiser's moments as `optimizer.first`,
/// `optimizer.second`, the network and the ``TrainingConfiguration`` it belongs to.
public enum TrainingStateFile {
    static func identity(network: Network, configuration: TrainingConfiguration)
        -> OptimizationStateIdentity<TrainingRun>
    {
        OptimizationStateIdentity(
            network: network, configuration: configuration, pointTensors: ["theta"],
            optimizerPrefixes: ["optimizer"], legacyConfigurationKey: "orbit.training")
    }

    public static func write<Scalar: BLASScalar & TensorScalar>(
        _ state: TrainingState<Scalar>, network: Network, configuration: TrainingConfiguration, to path: String
    ) throws {
        try OptimizationStateFile.write(
            state, identity: identity(network: network, configuration: configuration), to: path)
    }

    /// Reads a state written by ``write(_:network:configuration:to:)`` (or by orbit before the shared
    /// format); throws ``TrainingError/stateFile(_:)`` unless it is a training state of the same network
    /// and configuration (a resumed run must be the run that was interrupted).
    public static func read<Scalar: BLASScalar>(
        _ path: String, network: Network, configuration: TrainingConfiguration, as _: Scalar.Type = Scalar.self
    ) throws -> TrainingState<Scalar> {
        do {
            return try OptimizationStateFile.read(
                path, identity: identity(network: network, configuration: configuration))
        } catch let error as OptimizationStateError {
            throw TrainingError.stateFile(error)
        }
    }
}
