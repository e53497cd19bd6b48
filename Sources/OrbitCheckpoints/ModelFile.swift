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
    /// The names the file read gave each tensor; ``ModelFile/write(_:to:)`` writes them again, so
    /// a model read from a PyTorch `state_dict` is written back under the user's names.
    public var tensorNames: TensorNameMap
    /// How the network was inferred from the tensor shapes, when the file stored no description and
    /// none was given.
    public var inference: DenseChainInference?

    public init(
        network: Network, parameters: ParameterVector<Scalar>, metadata: [String: String] = [:],
        tensorNames: TensorNameMap = TensorNameMap()
    ) {
        self.network = network
        self.parameters = parameters
        self.metadata = metadata
        self.tensorNames = tensorNames
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

    /// Writes `model` atomically (temporary file, then rename), as F32 or F64 by `Scalar`, with its
    /// description in the metadata. In PyTorch's formats (safetensors) each tensor goes under the
    /// name the model's source file gave it (``Model/tensorNames``, stored in the metadata too), so
    /// `load_state_dict` takes the file; NPZ, the NumPy/JAX exchange, keeps Orbit's layout names.
    /// A model is not written to `.pt`: a plain state dict has no place for its description, so Orbit
    /// could not read its own output back as the same network (`orbit convert` writes state dicts).
    public static func write<Scalar: BLASScalar & TensorScalar>(_ model: Model<Scalar>, to path: String) throws {
        let format = try format(of: path)
        if format == .torch { throw CheckpointError.unknownFormat(file: path) }
        var metadata = model.metadata
        metadata[networkKey] = model.network.jsonDescription
        let names = format == .npz ? TensorNameMap() : model.tensorNames
        metadata[TensorNameMap.metadataKey] = names.isIdentity ? nil : names.json
        var tensors: [RawTensor] = []
        try model.parameters.withUnsafeBufferPointer { flat in
            for spec in model.parameters.layout.tensors {
                let elements = Array(flat[spec.offset..<(spec.offset + spec.count)])
                tensors.append(
                    try RawTensor(name: names.fileName(for: spec.name), shape: spec.shape, elements: elements))
            }
        }
        // PyTorch's BatchNorm state dict has a `num_batches_tracked` counter, which
        // load_state_dict(strict=True) requires; Orbit keeps no count (momentum is never None), so 0.
        for node in model.network.nodes {
            guard case .batchNorm = node.layer else { continue }
            let weight = names.fileName(for: node.name + ".weight")
            let module = weight.hasSuffix(".weight") ? String(weight.dropLast(".weight".count)) : node.name
            tensors.append(try RawTensor(name: module + ".num_batches_tracked", shape: [], elements: [Int64(0)]))
        }
        try writeRaw(tensors: tensors, metadata: metadata, to: path)
    }

    /// Writes `tensors` as they are (names, dtypes, shapes) with `metadata`, atomically; the format
    /// by the extension. What `orbit convert` uses.
    public static func writeRaw(tensors: [RawTensor], metadata: [String: String], to path: String) throws {
        var tensors = tensors
        switch try format(of: path) {
        case .safetensors:
            try SafetensorsFile(tensors: tensors, metadata: metadata).write(to: path)
        case .npz:
            if !metadata.isEmpty {  // a plain state dict converted to NPZ gets no member of Orbit's
                let json = try JSONSerialization.data(withJSONObject: metadata, options: [.sortedKeys])
                let bytes = [UInt8](json)
                tensors.append(try RawTensor(name: npzMetadataMember, shape: [bytes.count], elements: bytes))
            }
            try NPZFile(arrays: tensors).write(to: path)
        case .torch:
            // A plain state dict (OrderedDict of tensors, only the globals torch.load(weights_only=True)
            // allows); it has no place for metadata, which is dropped.
            try TorchCheckpointFile.write(tensors: tensors, to: path)
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
    /// stored in the file, else — with `inferringDenseChain` — the dense chain its tensor shapes
    /// describe (``DenseChainInference``; opt-in, because it assumes the activation). `nameMap`
    /// renames file tensors first (file name → Orbit name; a key that names no tensor renames a
    /// module: `fc1=layers.0` turns `fc1.weight` into `layers.0.weight`).
    ///
    /// Tensor names are matched exactly (after the map Orbit stores with the files it writes);
    /// failing that, by the file's naming style (``NamingStyle``: the dense modules in order, paired
    /// with the network's dense layers, every shape equal); failing that, by the part after the
    /// network's prefix (`0.weight` ↔ `layers.0.weight`, `model.layers.0.weight` ↔ `layers.0.weight`)
    /// when that is unambiguous; failing that, by position when the file holds exactly the layout's
    /// shapes in order. Every implicit renaming is reported in ``Model/renamedTensors`` — never
    /// silent — and every file name is kept in ``Model/tensorNames`` for writing.
    public static func read<Scalar: BLASScalar>(
        _ path: String, network given: Network? = nil, nameMap: [String: String] = [:],
        inferringDenseChain: Bool = false, as _: Scalar.Type = Scalar.self
    ) throws -> Model<Scalar> {
        let (rawTensors, metadata) = try readRaw(path)
        var fileName: [String: String] = [:]  // current name → the file's name
        var tensors = renamed(rawTensors, by: nameMap, fileName: &fileName)
        // Files Orbit wrote under a PyTorch user's names carry the map back to Orbit's names.
        if let json = metadata[TensorNameMap.metadataKey], let stored = TensorNameMap(json: json) {
            tensors = renamed(tensors, by: stored.orbitNames, fileName: &fileName)
        }
        let network: Network
        var inference: DenseChainInference?
        if let given {
            network = given
        } else if let json = metadata[networkKey] {
            do { network = try Network(json: json) } catch {
                throw CheckpointError.badDescription(file: path, reason: "\(error)")
            }
        } else if inferringDenseChain {
            let inferred = try DenseChainInference(try DenseModuleOrder.recognize(tensors, file: path), file: path)
            network = inferred.network
            inference = inferred
        } else {
            throw CheckpointError.noDescription(file: path)
        }
        let layout = network.layout
        tensors = withoutBatchCounters(tensors, network: network)
        let (assignment, renamed) = try matchByStyle(network: network, tensors: tensors, file: path)
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
        model.renamedTensors = renamed.map { (file: fileName[$0.0] ?? $0.0, orbit: $0.1) }
        model.tensorNames = TensorNameMap(
            layout.tensors.map { spec in
                let name = assignment[spec.name]!.name
                return (orbit: spec.name, file: fileName[name] ?? name)
            })
        model.inference = inference
        model.metadata[TensorNameMap.metadataKey] = nil
        return model
    }

    /// `tensors` with the names of `map` (file name → new name; a key naming no tensor renames the
    /// module: every `key.rest` becomes `value.rest`, the longest key winning), recording each
    /// tensor's original name in `fileName`.
    static func renamed(_ tensors: [RawTensor], by map: [String: String], fileName: inout [String: String])
        -> [RawTensor]
    {
        guard !map.isEmpty else { return tensors }
        let names = Set(tensors.map(\.name))
        let modules = map.keys.filter { !names.contains($0) }.sorted { $0.count > $1.count }
        return tensors.map { t in
            var target = map[t.name]
            if target == nil, let key = modules.first(where: { t.name.hasPrefix($0 + ".") }) {
                target = map[key]! + t.name.dropFirst(key.count)
            }
            guard let target, target != t.name else { return t }
            fileName[target] = fileName[t.name] ?? t.name
            return t.renamed(target)
        }
    }

    /// Exact names first; then the file's naming style (its dense modules in order, paired with the
    /// network's dense layers); then ``match(layout:tensors:prefix:file:)``. When the style's order
    /// is ambiguous and the other matchers fail too, the ambiguity is the error (it lists the
    /// candidates and the flags to add).
    static func matchByStyle(
        network: Network, tensors: [RawTensor], file: String
    ) throws -> ([String: RawTensor], [(String, String)]) {
        let layout = network.layout
        let names = Set(tensors.map(\.name))
        var styleError: CheckpointError?
        if network.isDenseChain, tensors.count == layout.tensors.count,
            !layout.tensors.allSatisfy({ names.contains($0.name) })
        {
            do {
                let order = try DenseModuleOrder.recognize(tensors, file: file)
                if let pairs = order.assignment(to: network) {
                    var result: [String: RawTensor] = [:]
                    for (spec, t) in pairs { result[spec.name] = t }
                    return (
                        result, pairs.filter { $0.orbit.name != $0.file.name }.map { ($0.file.name, $0.orbit.name) }
                    )
                }
            } catch {
                styleError = error
            }
        }
        do {
            return try match(layout: layout, tensors: tensors, prefix: network.namePrefix, file: file)
        } catch {
            if let styleError, case .ambiguousOrder = styleError { throw styleError }
            throw error
        }
    }

    static func squeezed(_ shape: [Int]) -> [Int] { shape.filter { $0 != 1 } }

    /// `tensors` without the `num_batches_tracked` counter of each of the network's BatchNorm nodes:
    /// PyTorch keeps it in the state dict, but it only matters for momentum = None, which Orbit's
    /// BatchNorm does not use (issue 15: accepted and ignored).
    static func withoutBatchCounters(_ tensors: [RawTensor], network: Network) -> [RawTensor] {
        // By suffix: the file's module names may differ from Orbit's (a `model.` prefix, --map).
        guard network.plan.hasBatchNorm else { return tensors }
        return tensors.filter { !$0.name.hasSuffix(".num_batches_tracked") }
    }

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
