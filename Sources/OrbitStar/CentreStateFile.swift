import Foundation
import OrbitFormats
import OrbitNetworks
import OrbitNumerics
import OrbitTraining

/// A resumable centre fit on disk (see ``CentreFitter``), written atomically (``SafetensorsFile``
/// writes through `AtomicFile`) after each epoch and every N steps with `--checkpoint-every N`:
/// safetensors with tensors `centre`, `optimizer.first`, `optimizer.second` and metadata
/// `orbit.network`, `orbit.centre-configuration` (JSON), `orbit.feet` (a fingerprint of the feet, so
/// a resume with other minima is refused), `orbit.epochs`, `orbit.optimizer-step`, `orbit.history`,
/// and the position inside the epoch: `orbit.steps` (steps done in it) and `orbit.partial` (the IEEE
/// bit pattern, in hex, of its objective sum so far). Files without `orbit.steps` (written before
/// step-level checkpoints existed) are epoch-boundary states.
public enum CentreStateFile {
    public static func write<Scalar: BLASScalar & TensorScalar>(
        _ state: CentreState<Scalar>, network: Network, configuration: CentreConfiguration,
        feet: [ParameterVector<Scalar>], to path: String
    ) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let metadata = [
            "orbit.network": network.jsonDescription,
            "orbit.centre-configuration": String(decoding: try encoder.encode(configuration), as: UTF8.self),
            "orbit.feet": fingerprint(feet),
            "orbit.epochs": "\(state.completedEpochs)",
            "orbit.optimizer-step": "\(state.optimizerStep)",
            "orbit.history": String(decoding: try encoder.encode(state.history), as: UTF8.self),
            "orbit.steps": "\(state.completedSteps)",
            "orbit.partial": String(state.partialObjectiveSum.bitPattern, radix: 16),
        ]
        let tensors = [
            try RawTensor(name: "centre", shape: [state.centre.count], elements: state.centre.flat),
            try RawTensor(name: "optimizer.first", shape: [state.optimizerFirst.count], elements: state.optimizerFirst),
            try RawTensor(
                name: "optimizer.second", shape: [state.optimizerSecond.count], elements: state.optimizerSecond),
        ]
        try SafetensorsFile(tensors: tensors, metadata: metadata).write(to: path)
    }

    /// Reads a state written for the same network, configuration and feet; throws otherwise (a
    /// resumed fit must be the fit that was interrupted).
    public static func read<Scalar: BLASScalar>(
        _ path: String, network: Network, configuration: CentreConfiguration, feet: [ParameterVector<Scalar>],
        as _: Scalar.Type = Scalar.self
    ) throws -> CentreState<Scalar> {
        let file = try SafetensorsFile.read(path)
        let decoder = JSONDecoder()
        guard file.metadata["orbit.network"].flatMap({ try? Network(json: $0) }) == network else {
            throw StarError.invalidConfiguration("\(path) was written for another network; delete it or drop --resume")
        }
        guard let text = file.metadata["orbit.centre-configuration"],
            (try? decoder.decode(CentreConfiguration.self, from: Data(text.utf8))) == configuration
        else {
            throw StarError.invalidConfiguration(
                "\(path) was written with other centre-finding options; resume with the same options")
        }
        guard file.metadata["orbit.feet"] == fingerprint(feet) else {
            throw StarError.invalidConfiguration(
                "\(path) was written for other minima (feet); resume with the same models")
        }
        guard let epochs = file.metadata["orbit.epochs"].flatMap(Int.init),
            let step = file.metadata["orbit.optimizer-step"].flatMap(Int.init),
            let history = file.metadata["orbit.history"].flatMap({
                try? decoder.decode([Double].self, from: Data($0.utf8))
            })
        else {
            throw StarError.invalidConfiguration("\(path) lacks its epoch count, optimizer step or history")
        }
        var completedSteps = 0
        var partialSum = 0.0
        if let stepsText = file.metadata["orbit.steps"] {
            guard let steps = Int(stepsText), steps >= 0,
                let bits = file.metadata["orbit.partial"].flatMap({ UInt64($0, radix: 16) })
            else {
                throw StarError.invalidConfiguration("\(path) has an unreadable position inside its epoch")
            }
            completedSteps = steps
            partialSum = Double(bitPattern: bits)
        }
        func values(_ name: String) throws -> [Scalar] { try file.tensor(name, file: path).values(as: Scalar.self) }
        let theta = try values("centre")
        guard theta.count == network.parameterCount else {
            throw StarError.invalidConfiguration(
                "\(path) holds \(theta.count) parameters, the network has \(network.parameterCount)")
        }
        return CentreState(
            completedEpochs: epochs, centre: ParameterVector(layout: network.layout, flat: theta), optimizerStep: step,
            optimizerFirst: try values("optimizer.first"), optimizerSecond: try values("optimizer.second"),
            history: history, completedSteps: completedSteps, partialObjectiveSum: partialSum)
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
