import Foundation
import OrbitFormats
import OrbitNetworks
import OrbitNumerics
import OrbitTraining

/// A resumable centre fit on disk (see ``CentreFitter``) in the shared format of
/// ``OptimizationStateFile`` (kind `centre`): the centre as tensor `centre` with its optimiser's
/// moments `optimizer.first`, `optimizer.second`, the network, the ``CentreConfiguration``, and
/// `orbit.feet`, a fingerprint of the feet, so a resume with other minima is refused.
public enum CentreStateFile {
    static func identity<Scalar: BLASScalar>(
        network: Network, configuration: CentreConfiguration, feet: [ParameterVector<Scalar>]
    ) -> OptimizationStateIdentity<CentreRun> {
        OptimizationStateIdentity(
            network: network, configuration: configuration, pointTensors: ["centre"],
            optimizerPrefixes: ["optimizer"],
            checks: [(key: "orbit.feet", value: fingerprint(feet), meaning: "minima (feet; count:FNV-1a hash)")],
            legacyConfigurationKey: "orbit.centre-configuration")
    }

    public static func write<Scalar: BLASScalar & TensorScalar>(
        _ state: CentreState<Scalar>, network: Network, configuration: CentreConfiguration,
        feet: [ParameterVector<Scalar>], to path: String
    ) throws {
        try OptimizationStateFile.write(
            state, identity: identity(network: network, configuration: configuration, feet: feet), to: path)
    }

    /// Reads a state written for the same network, configuration and feet; throws
    /// ``StarError/stateFile(_:)`` naming the file and what differs otherwise (a resumed fit must be
    /// the fit that was interrupted).
    public static func read<Scalar: BLASScalar>(
        _ path: String, network: Network, configuration: CentreConfiguration, feet: [ParameterVector<Scalar>],
        as _: Scalar.Type = Scalar.self
    ) throws -> CentreState<Scalar> {
        do {
            return try OptimizationStateFile.read(
                path, identity: identity(network: network, configuration: configuration, feet: feet))
        } catch let error as OptimizationStateError {
            throw StarError.stateFile(error)
        }
    }

    /// FNV-1a (64 bit) over the feet's bytes in order, with their count: identifies the set of minima.
    public static func fingerprint<Scalar: BLASScalar>(_ feet: [ParameterVector<Scalar>]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for foot in feet {
            foot.withUnsafeBufferPointer { buffer in
                let bytes = UnsafeRawBufferPointer(buffer)
                for byte in bytes {
                    hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
                }
            }
        }
        return "\(feet.count):" + String(hash, radix: 16)
    }
}
