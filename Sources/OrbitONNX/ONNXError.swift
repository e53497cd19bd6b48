/// Why an ONNX file cannot become an Orbit network. Every message is one line that starts with the
/// file and names the part concerned: the node and its operator, the initializer, or the input.
public enum ONNXError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes are not a valid ONNX protobuf (truncated, corrupt, or not ONNX at all).
    case malformed(file: String, detail: String)
    /// The file holds no graph, or a graph without the parts a network needs (`part` says which).
    case invalidGraph(file: String, part: String, reason: String)
    /// An operator Orbit does not map to a network layer.
    case unsupportedOperator(file: String, node: String, op: String, supported: [String])
    /// A supported operator used in a way Orbit's network cannot express (attributes, operands,
    /// shapes or wiring); `reason` says what.
    case notExpressible(file: String, node: String, op: String, reason: String)
    /// A dimension that is symbolic or unknown where Orbit needs a number (every dimension but the
    /// batch, the first).
    case dynamicShape(file: String, part: String, shape: String)
    /// An initializer (or Constant) whose type, dims or data are unusable; `reason` says how.
    case badTensor(file: String, tensor: String, reason: String)
    /// An initializer stored outside the .onnx file (`data_location: EXTERNAL`).
    case externalData(file: String, tensor: String)
    /// Orbit reads ONNX but does not write it.
    case writingUnsupported(file: String)

    public var description: String {
        switch self {
        case .malformed(let file, let detail):
            return "\(file): not a readable ONNX model (\(detail)); is the file complete?"
        case .invalidGraph(let file, let part, let reason):
            return "\(file): \(part): \(reason)"
        case .unsupportedOperator(let file, let node, let op, let supported):
            return
                "\(file): node '\(node)' uses operator \(op), which Orbit does not support; supported: \(supported.joined(separator: ", "))"
        case .notExpressible(let file, let node, let op, let reason):
            return "\(file): node '\(node)' (\(op)): \(reason)"
        case .dynamicShape(let file, let part, let shape):
            return
                "\(file): \(part) has shape \(shape) with a dimension Orbit cannot resolve statically (only the first, the batch, may be symbolic); re-export with fixed sizes"
        case .badTensor(let file, let tensor, let reason):
            return "\(file): initializer '\(tensor)': \(reason)"
        case .externalData(let file, let tensor):
            return
                "\(file): initializer '\(tensor)' is stored in an external data file, which Orbit does not read; re-export with the weights inside the .onnx file (torch.onnx.export(..., external_data=False)) or onnx.save_model(model, path, save_as_external_data=False)"
        case .writingUnsupported(let file):
            return "\(file): Orbit reads ONNX files but does not write them; write .safetensors or .npz"
        }
    }
}
