/// A value the restricted unpickler builds: Python's plain data (None, bool, int, float, str,
/// bytes, tuple, list, dict) plus the few PyTorch objects a state dict holds (tensors, storages,
/// dtypes, and the allowed globals before they are called). Nothing else can be represented, so
/// nothing else can be built.
///
/// Tuples, lists and dicts are reference types because pickle's memo shares them: a dict is
/// memoised when empty and filled by later `SETITEMS`, and every reference must see the items.
enum PickleValue {
    case none
    case bool(Bool)
    case int(Int64)
    /// An integer beyond 64 bits (LONG1/LONG4), as little-endian two's-complement bytes.
    case largeInt([UInt8])
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple(PickleSequence)
    case list(PickleSequence)
    case dict(PickleDictionary)
    /// An allowed global before it is called (or used as a value, e.g. a storage type).
    case global(TorchGlobal)
    /// A storage named by a persistent id.
    case storage(TorchStorageReference)
    /// A tensor from `_rebuild_tensor_v2` (or a parameter from `_rebuild_parameter`).
    case tensor(TorchTensorReference)

    /// Python's name for the value's type, for error messages.
    var typeName: String {
        switch self {
        case .none: return "None"
        case .bool: return "bool"
        case .int, .largeInt: return "int"
        case .float: return "float"
        case .string: return "str"
        case .bytes: return "bytes"
        case .tuple: return "tuple"
        case .list: return "list"
        case .dict: return "dict"
        case .global(let g): return g.qualifiedName
        case .storage: return "storage"
        case .tensor: return "tensor"
        }
    }

    /// How deeply containers nest inside this value (0 for a scalar).
    var depth: Int {
        switch self {
        case .tuple(let s), .list(let s): return s.depth
        case .dict(let d): return d.depth
        default: return 0
        }
    }

    /// A short rendering for key paths and messages: strings quoted as Python prints them.
    var keyDescription: String {
        switch self {
        case .string(let s): return "'" + s + "'"
        case .int(let i): return String(i)
        case .bool(let b): return b ? "True" : "False"
        case .none: return "None"
        default: return "<\(typeName)>"
        }
    }
}

/// The items of a tuple or list.
final class PickleSequence {
    var items: [PickleValue]
    /// 1 + the deepest item's depth, as far as the unpickler tracked it (see ``PickleMachine``).
    var depth: Int

    init(_ items: [PickleValue]) {
        self.items = items
        depth = 1 + (items.map(\.depth).max() ?? 0)
    }
}

/// A dict (or `OrderedDict`) in insertion order; string and integer keys replace earlier equal keys
/// as in Python, other keys (tuples, floats) are kept in order without the lookup.
final class PickleDictionary {
    private(set) var entries: [(key: PickleValue, value: PickleValue)] = []
    private var stringIndex: [String: Int] = [:]
    private var intIndex: [Int64: Int] = [:]
    var depth = 1

    init() {}

    func set(_ key: PickleValue, _ value: PickleValue) {
        depth = max(depth, 1 + max(key.depth, value.depth))
        let existing: Int?
        switch key {
        case .string(let s): existing = stringIndex[s]
        case .int(let i): existing = intIndex[i]
        default: existing = nil
        }
        if let existing {
            entries[existing].value = value
            return
        }
        switch key {
        case .string(let s): stringIndex[s] = entries.count
        case .int(let i): intIndex[i] = entries.count
        default: break
        }
        entries.append((key, value))
    }

    /// The value under the string key `key`.
    subscript(key: String) -> PickleValue? { stringIndex[key].map { entries[$0].value } }

    /// Drops every entry (the unpickler's teardown, see ``PickleMachine``).
    func removeAll() {
        entries = []
        stringIndex = [:]
        intIndex = [:]
    }
}
