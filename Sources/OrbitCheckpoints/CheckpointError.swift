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
        }
    }
}
