/// A named tensor inside a parameter vector: `count` scalars from `offset`, row-major.
public struct TensorSpec: Hashable, Sendable, Codable {
    public let name: String
    public let shape: [Int]
    public let offset: Int

    /// The number of scalars, Π shape.
    public var count: Int { shape.reduce(1, *) }
    /// The tensor read as a matrix: (shape[0], Π shape[1...]); a vector is one row.
    public var matrixShape: (rows: Int, columns: Int) {
        shape.count <= 1 ? (1, shape.first ?? 1) : (shape[0], shape.dropFirst().reduce(1, *))
    }
    public var shapeDescription: String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
}

/// The ordered list of named tensors that make up θ, packed contiguously in that order (the
/// flattened `state_dict` of PyTorch, or a JAX pytree's leaves).
public struct ParameterLayout: Hashable, Sendable, Codable {
    public let tensors: [TensorSpec]
    /// The total number of scalars.
    public let totalCount: Int

    /// A layout packing `tensors` (name, shape) in order.
    public init(_ tensors: [(name: String, shape: [Int])]) {
        var specs: [TensorSpec] = []
        var offset = 0
        for (name, shape) in tensors {
            precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(name)")
            specs.append(TensorSpec(name: name, shape: shape, offset: offset))
            offset += shape.reduce(1, *)
        }
        self.tensors = specs
        totalCount = offset
    }

    /// The tensor called `name`, if any.
    public func tensor(named name: String) -> TensorSpec? { tensors.first { $0.name == name } }

    /// Throws ``NetworkError/layoutMismatch(tensor:expected:found:)`` naming the first tensor in
    /// which `other` differs from this layout (missing, extra, renamed or mis-shaped).
    public func requireMatches(_ other: ParameterLayout) throws(NetworkError) {
        for (mine, theirs) in zip(tensors, other.tensors) where mine.name != theirs.name || mine.shape != theirs.shape {
            throw .layoutMismatch(
                tensor: mine.name, expected: "\(mine.name) \(mine.shapeDescription)",
                found: "\(theirs.name) \(theirs.shapeDescription)")
        }
        if tensors.count > other.tensors.count {
            let t = tensors[other.tensors.count]
            throw .layoutMismatch(
                tensor: t.name, expected: "\(t.name) \(t.shapeDescription)", found: "nothing (missing)")
        }
        if other.tensors.count > tensors.count {
            let t = other.tensors[tensors.count]
            throw .layoutMismatch(
                tensor: t.name, expected: "no further tensor", found: "\(t.name) \(t.shapeDescription) (extra)")
        }
    }
}
