import Foundation
import OrbitFormats
import OrbitNetworks
import OrbitNumerics
import OrbitTraining

/// A resumable curve fit on disk (see ``CurveFitter``), written atomically after each epoch and
/// every N steps with `--checkpoint-every N`: safetensors with tensors `bend.J`,
/// `optimizer.J.first`, `optimizer.J.second` and metadata `orbit.network`, `orbit.training`,
/// `orbit.epochs`, `orbit.optimizer-steps`, `orbit.history`, and for a state inside an epoch
/// `orbit.steps` (steps done in it) and `orbit.partial` (the IEEE bit pattern, in hex, of its loss
/// sum so far). Files without `orbit.steps` are epoch-boundary states.
public enum CurveStateFile {
    public static func write<Scalar: BLASScalar & TensorScalar>(
        _ state: CurveState<Scalar>, network: Network, configuration: TrainingConfiguration, to path: String
    ) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var tensors: [RawTensor] = []
        for (j, bend) in state.bends.enumerated() {
            tensors.append(try RawTensor(name: "bend.\(j)", shape: [bend.count], elements: bend.flat))
            tensors.append(
                try RawTensor(
                    name: "optimizer.\(j).first", shape: [state.optimizerFirst[j].count],
                    elements: state.optimizerFirst[j]))
            tensors.append(
                try RawTensor(
                    name: "optimizer.\(j).second", shape: [state.optimizerSecond[j].count],
                    elements: state.optimizerSecond[j]))
        }
        let metadata = [
            "orbit.network": network.jsonDescription,
            "orbit.training": String(decoding: try encoder.encode(configuration), as: UTF8.self),
            "orbit.epochs": "\(state.completedEpochs)",
            "orbit.optimizer-steps": state.optimizerSteps.map(String.init).joined(separator: ","),
            "orbit.history": String(decoding: try encoder.encode(state.history), as: UTF8.self),
            "orbit.steps": "\(state.completedSteps)",
            "orbit.partial": String(state.partialLossSum.bitPattern, radix: 16),
        ]
        try SafetensorsFile(tensors: tensors, metadata: metadata).write(to: path)
    }

    /// Reads a state for the same network, configuration and number of bends, else throws.
    public static func read<Scalar: BLASScalar>(
        _ path: String, network: Network, configuration: TrainingConfiguration, bends: Int,
        as _: Scalar.Type = Scalar.self
    ) throws -> CurveState<Scalar> {
        let file = try SafetensorsFile.read(path)
        let decoder = JSONDecoder()
        guard file.metadata["orbit.network"].flatMap({ try? Network(json: $0) }) == network,
            let configText = file.metadata["orbit.training"],
            (try? decoder.decode(TrainingConfiguration.self, from: Data(configText.utf8))) == configuration
        else {
            throw TrainingError.invalidConfiguration(
                "\(path) belongs to another network or other options; resume with the same command")
        }
        guard let epochs = file.metadata["orbit.epochs"].flatMap(Int.init),
            let steps = file.metadata["orbit.optimizer-steps"].map({ $0.split(separator: ",").compactMap { Int($0) } }),
            steps.count == bends,
            let history = file.metadata["orbit.history"].flatMap({
                try? decoder.decode([Double].self, from: Data($0.utf8))
            })
        else {
            throw TrainingError.invalidConfiguration("\(path) does not hold a \(bends)-bend curve state")
        }
        func values(_ name: String) throws -> [Scalar] { try file.tensor(name, file: path).values(as: Scalar.self) }
        var state = CurveState<Scalar>(
            completedEpochs: epochs, bends: [], optimizerSteps: steps, optimizerFirst: [], optimizerSecond: [],
            history: history)
        if let stepsText = file.metadata["orbit.steps"] {
            guard let completed = Int(stepsText), completed >= 0,
                let bits = file.metadata["orbit.partial"].flatMap({ UInt64($0, radix: 16) })
            else {
                throw TrainingError.invalidConfiguration("\(path) has an unreadable position inside its epoch")
            }
            state.completedSteps = completed
            state.partialLossSum = Double(bitPattern: bits)
        }
        for j in 0..<bends {
            let theta = try values("bend.\(j)")
            guard theta.count == network.parameterCount else {
                throw TrainingError.invalidConfiguration(
                    "\(path): bend \(j) has \(theta.count) values, the network \(network.parameterCount)")
            }
            state.bends.append(ParameterVector(layout: network.layout, flat: theta))
            state.optimizerFirst.append(try values("optimizer.\(j).first"))
            state.optimizerSecond.append(try values("optimizer.\(j).second"))
        }
        return state
    }
}
