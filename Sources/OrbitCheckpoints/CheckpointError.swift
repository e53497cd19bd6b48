import OrbitNetworks

/// Why a model file cannot be used with a network. Messages name the file, the tensor and the shapes.
public enum CheckpointError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file stores no network description and none was given.
    case noDescription(file: String)
    /// The stored description cannot be read.
    case badDescription(file: String, reason: String)
    /// A tensor the network needs is not in the file.
    case missingTensor(file: String, tensor: String, expectedShape: [Int], available: [String])
    /// A tensor has the wrong number of elements or shape.
    case shapeMismatch(file: String, tensor: String, expected: [Int], found: [Int])
    /// Tensors in the file that the network does not use (listed, at most a few).
    case extraTensors(file: String, tensors: [String])
    /// A dtype that cannot hold weights (e.g. a boolean mask).
    case unsupportedDType(file: String, tensor: String, dtype: String)
    /// A NaN or ±∞ weight.
    case nonFinite(file: String, tensor: String, index: Int)
    /// The extension is none of .safetensors, .npz, .pt, .pth (reading) or .safetensors, .npz (writing).
    case unknownFormat(file: String)
    /// Two model files that must hold the same architecture differ: the first tensor (in layout order)
    /// whose name or shape differs, as `reference` has it and as `file` has it ("nothing" when
    /// missing).
    case layoutMismatch(file: String, reference: String, tensor: String, expected: String, found: String)
    /// Two model files that must hold the same graph differ: the first node (in graph order) whose
    /// name, kind, inputs or shapes differ, as `reference` has it and as `file` has it ("nothing"
    /// when missing).
    case graphMismatch(file: String, reference: String, node: String, expected: String, found: String)
    /// A tensor that no dense layer has (not a 2-D weight or a 1-D bias), so no dense chain can be
    /// inferred from the file.
    case notDenseChain(file: String, tensor: String, shape: [Int], reason: String)
    /// Two consecutive layers whose shapes do not chain: `tensor` gives `outputs` features, `next`
    /// takes `inputs`.
    case brokenChain(file: String, tensor: String, outputs: Int, next: String, inputs: Int)
    /// The order of the dense layers cannot be told from the names or the shapes: the candidate
    /// orders (module names, at most a few) and the flags that pick the first.
    case ambiguousOrder(file: String, candidates: [[String]], flags: String)

    public var description: String {
        func shape(_ s: [Int]) -> String { "[" + s.map(String.init).joined(separator: ", ") + "]" }
        switch self {
        case .noDescription(let file):
            return
                "\(file): no network description is stored in the file; pass one with --arch (e.g. --arch mlp:784-512-10:relu)"
        case .badDescription(let file, let reason):
            return "\(file): the stored network description cannot be read: \(reason)"
        case .missingTensor(let file, let tensor, let expected, let available):
            let shown = available.prefix(8).joined(separator: ", ") + (available.count > 8 ? ", …" : "")
            return
                "\(file): tensor '\(tensor)' \(shape(expected)) is missing (the file has: \(shown)); map names with --map FILE_NAME=ORBIT_NAME"
        case .shapeMismatch(let file, let tensor, let expected, let found):
            return "\(file): tensor '\(tensor)' has shape \(shape(found)), the network needs \(shape(expected))"
        case .extraTensors(let file, let tensors):
            return
                "\(file): tensors the network does not use: \(tensors.prefix(8).joined(separator: ", "))\(tensors.count > 8 ? ", …" : "") (is --arch right?)"
        case .unsupportedDType(let file, let tensor, let dtype):
            return "\(file): tensor '\(tensor)' has dtype \(dtype), which Orbit cannot read as weights"
        case .nonFinite(let file, let tensor, let index):
            return "\(file): tensor '\(tensor)' holds a NaN or infinite value at flat index \(index)"
        case .unknownFormat(let file):
            return
                "\(file): unknown model format; models are read from .safetensors, .npz, .pt or .pth files and written to .safetensors or .npz"
        case .layoutMismatch(let file, let reference, let tensor, let expected, let found):
            return
                "\(file) does not match \(reference) at tensor '\(tensor)': \(reference) has \(expected), \(file) has \(found)"
        case .graphMismatch(let file, let reference, let node, let expected, let found):
            return
                "\(file) does not match \(reference) at node '\(node)': \(reference) has \(expected), \(file) has \(found)"
        case .notDenseChain(let file, let tensor, let s, let reason):
            return
                "\(file): tensor '\(tensor)' \(shape(s)) \(reason); Orbit infers dense chains (Linear layers) only: describe the network with --arch, or export the model to ONNX"
        case .brokenChain(let file, let tensor, let outputs, let next, let inputs):
            return
                "\(file): the tensors do not form a dense chain: '\(tensor)' gives \(outputs) outputs but the next layer's '\(next)' takes \(inputs) inputs"
        case .ambiguousOrder(let file, let candidates, let flags):
            let listed = candidates.enumerated().map { "(\($0.offset + 1)) " + $0.element.joined(separator: " → ") }
            return
                "\(file): the order of the layers cannot be told from the names or the shapes; candidates: \(listed.joined(separator: "; ")). For the first, add: \(flags)"
        }
    }
}
