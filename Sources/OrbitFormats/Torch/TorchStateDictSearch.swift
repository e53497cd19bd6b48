/// Finding the state dict inside a checkpoint: PyTorch users save `model.state_dict()` itself or
/// wrap it — `{"state_dict": …, "epoch": …}` (Lightning), `{"model_state": …, "optimizer": …}`,
/// `{"checkpoint": {"net": …}}`.
///
/// A state dict is a non-empty dict whose keys are all strings and whose values are all tensors.
/// The top-level value is taken if it is one; otherwise every dict value one or two levels down
/// (under string keys) is a candidate. Exactly one candidate is taken; several are ambiguous and
/// the error lists their key paths; an optimizer's state (int keys, plain numbers and lists) is
/// never a candidate. Depth-bounded, so O(entries of the top two levels).
enum TorchStateDictSearch {
    /// The key path and the named tensors of the state dict in `root` (or at `keyPath` when given).
    static func find(
        in root: PickleValue, keyPath: [String]?, file: String
    ) throws -> (keyPath: [String], tensors: [(name: String, tensor: TorchTensorReference)]) {
        if let keyPath {
            var value = root
            for (depth, key) in keyPath.enumerated() {
                guard case .dict(let d) = value, let next = d[key] else {
                    throw FormatError(
                        file: file, reason: .noTensors("at \(describe(Array(keyPath[...depth]))): no such key"))
                }
                value = next
            }
            guard let tensors = stateDict(value) else {
                throw FormatError(file: file, reason: .noTensors("at \(describe(keyPath)): it is \(value.typeName)"))
            }
            return (keyPath, tensors)
        }
        if let tensors = stateDict(root) { return ([], tensors) }
        guard case .dict(let top) = root else {
            throw FormatError(file: file, reason: .noTensors("(the checkpoint holds \(root.typeName), not a dict)"))
        }
        var candidates: [([String], [(name: String, tensor: TorchTensorReference)])] = []
        for (key, value) in top.entries {
            guard case .string(let k) = key else { continue }
            if let tensors = stateDict(value) {
                candidates.append(([k], tensors))
            } else if case .dict(let inner) = value {
                for (key2, value2) in inner.entries {
                    guard case .string(let k2) = key2, let tensors = stateDict(value2) else { continue }
                    candidates.append(([k, k2], tensors))
                }
            }
        }
        guard candidates.count <= 1 else {
            throw FormatError(file: file, reason: .ambiguousTensors(candidates: candidates.map { describe($0.0) }))
        }
        guard let found = candidates.first else {
            let keys = top.entries.prefix(12).map(\.key.keyDescription).joined(separator: ", ")
            throw FormatError(
                file: file,
                reason: .noTensors(
                    "at the top level or one or two levels down (the top-level keys are \(keys.isEmpty ? "none" : keys))"
                ))
        }
        return found
    }

    /// Python's rendering of a key path: `['checkpoint', 'net']`.
    static func describe(_ keyPath: [String]) -> String {
        "[" + keyPath.map { "'" + $0 + "'" }.joined(separator: ", ") + "]"
    }

    /// The entries of `value` if it is a state dict (string keys, tensor values, non-empty).
    private static func stateDict(_ value: PickleValue) -> [(name: String, tensor: TorchTensorReference)]? {
        guard case .dict(let d) = value, !d.entries.isEmpty else { return nil }
        var result: [(name: String, tensor: TorchTensorReference)] = []
        result.reserveCapacity(d.entries.count)
        for (key, value) in d.entries {
            guard case .string(let name) = key, case .tensor(let tensor) = value else { return nil }
            result.append((name, tensor))
        }
        return result
    }
}
