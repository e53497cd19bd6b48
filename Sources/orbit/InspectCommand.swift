import ArgumentParser
import Foundation
import OrbitKit

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "List the tensors (dtype, shape) and metadata of a model file.",
        discussion: "Example: orbit inspect a.safetensors")

    @Argument(help: "A .safetensors, .npz, .pt, .pth or .onnx file.") var file: String
    @OptionGroup var global: GlobalOptions

    func run() throws {
        global.apply()
        let (tensors, metadata) = try ModelFile.readRaw(file)
        print("\(file): \(tensors.count) tensors, \(tensors.reduce(0) { $0 + $1.elementCount }) values")
        if let keyPath = metadata[ModelFile.torchKeyPathKey] { print("tensors from \(keyPath)") }
        let width = max(6, tensors.map(\.name.count).max() ?? 0)
        print("tensor".padding(toLength: width, withPad: " ", startingAt: 0) + "  dtype  shape")
        for t in tensors {
            print(
                t.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                    + t.dtype.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0)
                    + "  [" + t.shape.map(String.init).joined(separator: ", ") + "]")
        }
        if !metadata.isEmpty { print("metadata:") }
        for key in metadata.keys.sorted() {
            var value = metadata[key]!
            if key == "orbit.network", let network = try? Network(json: value) {
                value =
                    (network.compactDescription ?? blockSummary(network)) + "  (\(network.parameterCount) parameters)"
            }
            if key == ONNXModel.mappingKey,
                let mapping = try? JSONDecoder().decode([ONNXTensorMapping].self, from: Data(value.utf8))
            {
                print("  \(key) (Orbit tensor ← ONNX initializer):")
                for m in mapping {
                    print("    \(m.orbit) ← \(m.onnx)\(m.transposed ? " (stored transposed, (in, out))" : "")")
                }
                continue
            }
            print("  \(key): \(value.count > 200 ? String(value.prefix(200)) + "…" : value)")
        }
    }
}

/// The blocks of a network with no compact form, e.g. `16 → dense 10 leaky_relu(0.2) → dense 4`.
private func blockSummary(_ network: Network) -> String {
    var parts = ["\(network.inputSize)"]
    func dense(_ d: DenseLayer) -> String {
        "dense \(d.outputs)" + (d.activation == .identity ? "" : " \(d.activation.name)") + (d.bias ? "" : " (no bias)")
    }
    for block in network.blocks {
        switch block {
        case .dense(let d): parts.append(dense(d))
        case .residual(let r):
            let activation = r.activation == .identity ? "" : " \(r.activation.name)"
            parts.append("residual[" + r.layers.map(dense).joined(separator: ", ") + "]" + activation)
        }
    }
    return parts.joined(separator: " → ")
}
