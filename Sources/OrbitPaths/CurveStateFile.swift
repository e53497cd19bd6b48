import Foundation
import OrbitFormats
import OrbitNetworks
import OrbitNumerics
import OrbitTraining

/// A resumable curve fit on disk (see ``CurveFitter``) in the shared format of
/// ``OptimizationStateFile`` (kind `curve`): bend J as tensor `bend.J` with its optimiser's moments
/// `optimizer.J.first`, `optimizer.J.second`, the network and the ``TrainingConfiguration``; the
/// number of bends must match too.
public enum CurveStateFile {
    static func identity(network: Network, configuration: TrainingConfiguration, bends: Int)
        -> OptimizationStateIdentity<CurveRun>
    {
        OptimizationStateIdentity(
            network: network, configuration: configuration,
            pointTensors: (0..<bends).map { "bend.\($0)" }, optimizerPrefixes: (0..<bends).map { "optimizer.\($0)" },
            legacyConfigurationKey: "orbit.training")
    }

    public static func write<Scalar: BLASScalar & TensorScalar>(
        _ state: CurveState<Scalar>, network: Network, configuration: TrainingConfiguration, to path: String
    ) throws {
        try OptimizationStateFile.write(
            state, identity: identity(network: network, configuration: configuration, bends: state.bends.count),
            to: path)
    }

    /// Reads a curve state for the same network, configuration and number of bends, else throws
    /// ``PathError/stateFile(_:)`` naming the file and what differs.
    public static func read<Scalar: BLASScalar>(
        _ path: String, network: Network, configuration: TrainingConfiguration, bends: Int,
        as _: Scalar.Type = Scalar.self
    ) throws -> CurveState<Scalar> {
        do {
            return try OptimizationStateFile.read(
                path, identity: identity(network: network, configuration: configuration, bends: bends))
        } catch let error as OptimizationStateError {
            throw PathError.stateFile(error)
        }
    }
}
