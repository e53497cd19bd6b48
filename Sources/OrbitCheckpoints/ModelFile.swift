import Foundation
import OrbitFormats
import OrbitNetworks
import OrbitNumerics
import OrbitONNX

/// A trained model as Orbit reads and writes it: the network description, θ, and free-form
/// metadata (version, seed, configuration…).
public struct Model<Scalar: BLASScalar>: Sendable {
    public var network: Network
    public var parameters: ParameterVector<Scalar>
    public var metadata: [String: String]
    /// How file tensor names were matched to the network's, when not one to one (file name → Orbit name).
    public var renamedTensors: [(file: String, orbit: String)]

    public init(network: Network, parameters: ParameterVector<Scalar>, metadata: [String: String] = [:]) {
        self.network = network
        self.parameters = parameters
        self.metadata = metadata
        renamedTensors = []
    }
}

/// Reading and writing model files: safetensors (the network description in `__metadata__` under
/// `orbit.network`) and NPZ (the description as a UTF-8 `uint8` array `__orbit_metadata__` holding a
/// JSON object of the same metadata). Weights are (out, in) as in PyTorch, so a PyTorch
/// `state_dict` saved with `safetensors.torch.save_file` or `numpy.savez` loads as it is. `.pt`/`.pth`
/// files (`torch.save`) are read by ``TorchCheckpointFile``'s restricted unpickler — no description,
/// so they need a network — but models are not written to them (no place for the description).
public enum ModelFile {
    static let networkKey = "orbit.network"
    static let npzMetadataMember = "__orbit_metadata__"

    /// The metadata key under which a PyTorch checkpoint's state-dict key path is reported
    /// (e.g. `['state_dict']`), when the tensors were not at the top level.
    public static let torchKeyPathKey = "torch.key_path"

    enum Format { case safetensors, npz, torch, onnx }

    static func format(of path: String) throws -> Format {
        let lower = path.lowercased()
        if lower.hasSuffix(".safetensors") { return .safetensors }
        if lower.hasSuffix(".npz") { return .npz }
        if lower.hasSuffix(".pt") || lower.hasSuffix(".pth") { return .torch }
        if lower.hasSuffix(".onnx") { return .onnx }
        throw CheckpointError.unknownFormat(file: path)
    }

    /// Writes `model` atomically (temporary file, then rename), as F32 or F64 by `Scalar`.
    public static func write<Scalar: BLASScalar & TensorScalar>(_ model: Model<Scalar>, to path: String) throws {
        var metadata = model.metadata
        metadata[networkKey] = model.network.jsonDescription
        var tensors: [RawTensor] = []
        try model.parameters.withUnsafeBufferPointer { flat in
            for spec in model.parameters.layout.tensors {
                let elements = Array(flat[spec.offset..<(spec.offset + spec.count)])
                tensors.append(try RawTensor(name: spec.name, shape: spec.shape, elements: elements))
            }
        }
        switch try format(of: path) {
        case .safetensors:
            try SafetensorsFile(tensors: tensors, metadata: metadata).write(to: path)
        case .npz:
            let json = try JSONSerialization.data(withJSONObject: metadata, options: [.sortedKeys])
            let bytes = [UInt8](json)
            tensors.append(try RawTensor(name: npzMetadataMember, shape: [bytes.count], elements: bytes))
            try NPZFile(arrays: tensors).write(to: path)
        case .torch:
            // A state dict has no place for the description; `orbit convert` writes .pt files explicitly
            // (TorchCheckpointFile.write).
            throw CheckpointError.unknownFormat(file: path)
        case .onnx:
            throw ONNXError.writingUnsupported(file: path)
        }
    }

    /// The tensors and metadata of a model file, without matching them to a network.
    public static func readRaw(_ path: String) throws -> (tensors: [RawTensor], metadata: [String: String]) {
        switch try format(of: path) {
        case .safetensors:
            let file = try SafetensorsFile.read(path)
            return (file.tensors, file.metadata)
        case .npz:
            let file = try NPZFile.read(path)
            var metadata: [String: String] = [:]
            if let raw = file.arrays.first(where: { $0.name == npzMetadataMember }) {
                let bytes: [UInt8] = (try? raw.elements(as: UInt8.self)) ?? []
                if let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: String] {
                    metadata = object
                }
            }
            return (file.arrays.filter { $0.name != npzMetadataMember }, metadata)
        case .torch:
            // A restricted unpickler (no code runs); the state dict may sit inside a checkpoint.
            let file = try TorchCheckpointFile.read(path)
            return (file.tensors, file.keyPath.isEmpty ? [:] : [torchKeyPathKey: file.keyPathDescription])
        case .onnx:
            // The graph gives the network (under `orbit.network`) and θ in its layout; the
            // initializers' ONNX names are kept in the metadata (ONNXModel.mappingKey).
            let model = try ONNXModel.read(path)
            return (model.tensors, model.metadata)
        }
    }

    /// Reads a model. The network is `network` when given (e.g. from `--arch`), else the description
    /// stored in the file. `nameMap` renames file tensors first (file name → Orbit name).
    ///
    /// Tensor names are matched exactly; failing that, by the part after the network's prefix
    /// (`0.weight` ↔ `layers.0.weight`, `model.layers.0.weight` ↔ `layers.0.weight`) when that is
    /// unambiguous; failing that, by position when the file holds exactly the layout's shapes in
    /// order. Every renaming is reported in ``Model/renamedTensors`` — never silent.
    public static func read<Scalar: BLASScalar>(
        _ path: String, network given: Network? = nil, nameMap: [String: String] = [:], as _: Scalar.Type = Scalar.self
    ) throws -> Model<Scalar> {
        let (rawTensors, metadata) = try readRaw(path)
        let network: Network
        if let given {
            network = given
        } else if let json = metadata[networkKey] {
            do { network = try Network(json: json) } catch {
                throw CheckpointError.badDescription(file: path, reason: "\(error)")
            }
        } else {
            throw CheckpointError.noDescription(file: path)
        }
        let tensors = rawTensors.map { t in nameMap[t.name].map { t.renamed($0) } ?? t }
        let layout = network.layout
        let (assignment, renamed) = try match(layout: layout, tensors: tensors, prefix: network.namePrefix, file: path)
        // Every shape and dtype is checked before θ is allocated: the description in a file's
        // metadata could otherwise make a tiny file allocate gigabytes (issue 10, bounded allocation).
        // Once each tensor's data matches its spec, θ is no larger than the tensors the file holds.
        for spec in layout.tensors {
            let raw = assignment[spec.name]!
            guard raw.shape.reduce(1, *) == spec.count,
                raw.shape == spec.shape || squeezed(raw.shape) == squeezed(spec.shape)
            else {
                throw CheckpointError.shapeMismatch(
                    file: path, tensor: spec.name, expected: spec.shape, found: raw.shape)
            }
            switch raw.dtype {
            case .float16, .bfloat16, .float32, .float64, .int64, .int32, .int16, .int8, .uint8: break
            default: throw CheckpointError.unsupportedDType(file: path, tensor: raw.name, dtype: raw.dtype.rawValue)
            }
        }
        var theta = ParameterVector<Scalar>(layout: layout)
        try theta.withUnsafeMutableBufferPointer { flat in
            for spec in layout.tensors {
                let raw = assignment[spec.name]!
                let target = UnsafeMutableBufferPointer(rebasing: flat[spec.offset..<(spec.offset + spec.count)])
                raw.convert(into: target)
                if let bad = target.firstIndex(where: { !$0.isFinite }) {
                    throw CheckpointError.nonFinite(file: path, tensor: raw.name, index: bad)
                }
            }
        }
        var model = Model(network: network, parameters: theta, metadata: metadata)
        model.renamedTensors = renamed.map { (file: $0.0, orbit: $0.1) }
        return model
    }

    static func squeezed(_ shape: [Int]) -> [Int] { shape.filter { $0 != 1 } }

    /// File tensors for each layout tensor, and the renamings made.
    static func match(
        layout: ParameterLayout, tensors: [RawTensor], prefix: String, file: String
    ) throws -> ([String: RawTensor], [(String, String)]) {
        var byName: [String: RawTensor] = [:]
        for t in tensors { byName[t.name] = t }
        var result: [String: RawTensor] = [:]
        var renamed: [(String, String)] = []
        var used = Set<String>()
        var unmatched: [TensorSpec] = []
        for spec in layout.tensors {
            if let t = byName[spec.name] {
                result[spec.name] = t
                used.insert(t.name)
                continue
            }
            // `layers.0.weight` → look for names equal to or ending in `.0.weight`.
            let local = spec.name.hasPrefix(prefix + ".") ? String(spec.name.dropFirst(prefix.count + 1)) : spec.name
            let candidates = tensors.filter {
                !used.contains($0.name) && ($0.name == local || $0.name.hasSuffix("." + local))
            }
            if candidates.count == 1 {
                result[spec.name] = candidates[0]
                used.insert(candidates[0].name)
                renamed.append((candidates[0].name, spec.name))
            } else {
                unmatched.append(spec)
            }
        }
        let leftovers = tensors.filter { !used.contains($0.name) }
        if !unmatched.isEmpty {
            // By position: the file's remaining tensors, in file order, have exactly the missing shapes.
            if leftovers.count == unmatched.count && zip(leftovers, unmatched).allSatisfy({ $0.shape == $1.shape }) {
                for (t, spec) in zip(leftovers, unmatched) {
                    result[spec.name] = t
                    renamed.append((t.name, spec.name))
                }
                return (result, renamed)
            }
            let spec = unmatched[0]
            throw CheckpointError.missingTensor(
                file: file, tensor: spec.name, expectedShape: spec.shape, available: tensors.map(\.name))
        }
        if !leftovers.isEmpty {
            throw CheckpointError.extraTensors(file: file, tensors: leftovers.map(\.name))
        }
        return (result, renamed)
    }
}
