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
                guard network.isDenseChain else {
                    print(
                        "  \(key): a graph of \(network.nodes.count) nodes on \(network.inputShape.shapeDescription) samples:"
                    )
                    print(graphTable(network).map { "    " + $0 }.joined(separator: "\n"))
                    print("    description: \(value.count > 200 ? String(value.prefix(200)) + "…" : value)")
                    continue
                }
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

/// A graph network as a table, one row per node: its name, the layer (``Layer/summary(for:)``), its
/// output shape, and the values of its parameters and buffers; then the totals.
func graphTable(_ network: Network) -> [String] {
    let plan = network.plan
    var rows = [["node", "layer", "output", "parameters", "buffers"]]
    for (k, node) in network.nodes.enumerated() {
        let tensors = plan.nodeTensors[k]
        let parameters = tensors.filter { $0.role == .parameter }.reduce(0) { $0 + $1.count }
        let buffers = tensors.filter { $0.role == .buffer }.reduce(0) { $0 + $1.count }
        rows.append([
            node.name, node.layer.layer.summary(for: plan.inputShapes(of: k)), plan.outputShapes[k].shapeDescription,
            parameters == 0 ? "" : "\(parameters)", buffers == 0 ? "" : "\(buffers)",
        ])
    }
    let layout = network.layout
    rows.append([
        "total", "", "", "\(layout.parameterCount)", "\(layout.totalCount - layout.parameterCount)",
    ])
    let widths = (0..<5).map { c in rows.map { $0[c].count }.max()! }
    return rows.map { row in
        row.enumerated().map { c, cell in
            c >= 3
                ? String(repeating: " ", count: widths[c] - cell.count) + cell
                : cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
        }.joined(separator: "  ").trimmingTrailingSpaces
    }
}

extension String {
    /// The string without the spaces that pad its last column.
    fileprivate var trimmingTrailingSpaces: String {
        var end = endIndex
        while end > startIndex, self[index(before: end)] == " " { end = index(before: end) }
        return String(self[..<end])
    }
}
