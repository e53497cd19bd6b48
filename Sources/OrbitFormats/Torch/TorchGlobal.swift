/// The globals a PyTorch state dict needs — the whole allowlist of Orbit's restricted unpickler,
/// the equivalent of `torch.load(…, weights_only=True)` for state dicts.
///
/// A pickle names a callable by `module` and `name` (`GLOBAL` / `STACK_GLOBAL`) and calls it with
/// `REDUCE`; Python would import and run whatever it names (`posix.system`, `builtins.eval`, …).
/// Orbit resolves only the names below and "calls" them by building the value they describe; any
/// other name is refused with ``FormatError/Reason/forbiddenGlobal(name:offset:)`` before anything
/// else happens, and nothing is ever executed.
enum TorchGlobal: Equatable {
    /// `collections.OrderedDict` (the state dict itself and each tensor's empty backward hooks).
    case orderedDict
    /// `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])`.
    case rebuildTensorV2
    /// `torch._utils._rebuild_tensor(storage, offset, size, stride)` (files from PyTorch < 0.4).
    case rebuildTensor
    /// `torch._utils._rebuild_parameter(data, requires_grad, hooks)`: an `nn.Parameter`.
    case rebuildParameter
    /// `torch._utils._rebuild_parameter_with_state(data, requires_grad, hooks, state)`.
    case rebuildParameterWithState
    /// `torch.FloatStorage` and the other typed storages: the storage type of a persistent id.
    case storageType(TensorDType, name: String)
    /// `torch.float32` and the other dtype objects.
    case dtype(TensorDType, name: String)
    /// `torch.Size(tuple)`: a tuple.
    case size
    /// `_codecs.encode(text, "latin1")`: how protocol 2 pickles `bytes`.
    case codecsEncode

    /// The global `module.name` if the allowlist has it.
    init?(module: String, name: String) {
        switch (module, name) {
        case ("collections", "OrderedDict"): self = .orderedDict
        case ("torch._utils", "_rebuild_tensor_v2"): self = .rebuildTensorV2
        case ("torch._utils", "_rebuild_tensor"): self = .rebuildTensor
        case ("torch._utils", "_rebuild_parameter"): self = .rebuildParameter
        case ("torch._utils", "_rebuild_parameter_with_state"): self = .rebuildParameterWithState
        case ("torch", "Size"): self = .size
        case ("_codecs", "encode"): self = .codecsEncode
        case ("torch", _):
            if let dtype = Self.storageTypes[name] {
                self = .storageType(dtype, name: name)
            } else if let dtype = Self.dtypes[name] {
                self = .dtype(dtype, name: name)
            } else {
                return nil
            }
        default: return nil
        }
    }

    static let storageTypes: [String: TensorDType] = [
        "FloatStorage": .float32, "DoubleStorage": .float64, "HalfStorage": .float16, "BFloat16Storage": .bfloat16,
        "LongStorage": .int64, "IntStorage": .int32, "ShortStorage": .int16, "CharStorage": .int8,
        "ByteStorage": .uint8, "BoolStorage": .bool,
    ]

    static let dtypes: [String: TensorDType] = [
        "float32": .float32, "float": .float32, "float64": .float64, "double": .float64, "float16": .float16,
        "half": .float16, "bfloat16": .bfloat16, "int64": .int64, "long": .int64, "int32": .int32, "int": .int32,
        "int16": .int16, "short": .int16, "int8": .int8, "uint8": .uint8, "bool": .bool,
    ]

    /// The storage type of `dtype` (what a writer names in a persistent id).
    static func storageTypeName(of dtype: TensorDType) -> String? {
        storageTypes.first { $0.value == dtype }?.key
    }

    /// `module.name` as the pickle spells it.
    var qualifiedName: String {
        switch self {
        case .orderedDict: return "collections.OrderedDict"
        case .rebuildTensorV2: return "torch._utils._rebuild_tensor_v2"
        case .rebuildTensor: return "torch._utils._rebuild_tensor"
        case .rebuildParameter: return "torch._utils._rebuild_parameter"
        case .rebuildParameterWithState: return "torch._utils._rebuild_parameter_with_state"
        case .storageType(_, let name), .dtype(_, let name): return "torch." + name
        case .size: return "torch.Size"
        case .codecsEncode: return "_codecs.encode"
        }
    }

    /// The value a call with `arguments` describes, or a reason (thrown as
    /// ``PickleMachine/Refusal``) why it does not describe one.
    func call(_ arguments: [PickleValue], maxRank: Int) throws -> PickleValue {
        func refuse(_ why: String) -> PickleMachine.Refusal {
            PickleMachine.Refusal("\(qualifiedName)(…): \(why)")
        }
        switch self {
        case .orderedDict:
            // OrderedDict() only; torch fills it with SETITEMS. (A list of pairs would be data too, but
            // torch never writes it and accepting less keeps the surface small.)
            guard arguments.isEmpty else { throw refuse("expected no arguments, got \(arguments.count)") }
            return .dict(PickleDictionary())
        case .rebuildTensorV2, .rebuildTensor:
            let expected = self == .rebuildTensor ? 4...4 : 6...7
            guard expected.contains(arguments.count) else {
                throw refuse("expected \(expected.lowerBound)–\(expected.upperBound) arguments, got \(arguments.count)")
            }
            guard case .storage(let storage) = arguments[0] else {
                throw refuse("argument 1 is \(arguments[0].typeName), not a storage")
            }
            guard case .int(let offset) = arguments[1], offset >= 0 else {
                throw refuse("the storage offset is not a non-negative int")
            }
            let size = try Self.integers(arguments[2], what: "size", maxRank: maxRank, refuse: refuse)
            let stride = try Self.integers(arguments[3], what: "stride", maxRank: maxRank, refuse: refuse)
            guard size.count == stride.count else {
                throw refuse("size \(size) and stride \(stride) differ in rank")
            }
            return .tensor(TorchTensorReference(storage: storage, offset: Int(offset), shape: size, strides: stride))
        case .rebuildParameter, .rebuildParameterWithState:
            let expected = self == .rebuildParameter ? 3 : 4
            guard arguments.count == expected else {
                throw refuse("expected \(expected) arguments, got \(arguments.count)")
            }
            guard case .tensor = arguments[0] else {
                throw refuse("argument 1 is \(arguments[0].typeName), not a tensor")
            }
            return arguments[0]
        case .size:
            guard arguments.count == 1, case .tuple = arguments[0] else { throw refuse("expected one tuple") }
            return arguments[0]
        case .codecsEncode:
            guard arguments.count == 2, case .string(let text) = arguments[0], case .string(let codec) = arguments[1],
                codec == "latin1" || codec == "latin-1"
            else { throw refuse("expected (str, 'latin1')") }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(text.unicodeScalars.count)
            for scalar in text.unicodeScalars {
                guard scalar.value < 256 else { throw refuse("a character beyond Latin-1") }
                bytes.append(UInt8(scalar.value))
            }
            return .bytes(bytes)
        case .storageType, .dtype:
            throw refuse("is not callable in a state dict")
        }
    }

    /// A tuple of non-negative ints (a tensor's size or stride).
    private static func integers(
        _ value: PickleValue, what: String, maxRank: Int, refuse: (String) -> PickleMachine.Refusal
    ) throws -> [Int] {
        guard case .tuple(let tuple) = value else { throw refuse("the \(what) is \(value.typeName), not a tuple") }
        guard tuple.items.count <= maxRank else {
            throw refuse("the \(what) has rank \(tuple.items.count) > \(maxRank)")
        }
        return try tuple.items.map { item in
            guard case .int(let i) = item, i >= 0 else { throw refuse("the \(what) holds \(item.keyDescription)") }
            return Int(i)
        }
    }
}
