/// A named tensor inside a parameter vector: `count` scalars from `offset`, row-major.
public struct TensorSpec: Hashable, Sendable, Codable {
    public let name: String
    public let shape: [Int]
    public let offset: Int
    /// Whether the tensor is trained or a buffer (BatchNorm's running statistics).
    public let role: TensorRole

    public init(name: String, shape: [Int], offset: Int, role: TensorRole = .parameter) {
        self.name = name
        self.shape = shape
        self.offset = offset
        self.role = role
    }

    private enum CodingKeys: String, CodingKey { case name, shape, offset, role }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        shape = try c.decode([Int].self, forKey: .shape)
        offset = try c.decode(Int.self, forKey: .offset)
        role = try c.decodeIfPresent(TensorRole.self, forKey: .role) ?? .parameter
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(shape, forKey: .shape)
        try c.encode(offset, forKey: .offset)
        // Parameters keep the encoding they had before buffers existed.
        if role == .buffer { try c.encode(role, forKey: .role) }
    }

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
///
/// Buffers (``TensorRole/buffer``) come after every parameter, so the trained parameters are the
/// prefix of ``parameterCount`` scalars: optimisers, distances and symmetry actions act on it.
public struct ParameterLayout: Hashable, Sendable, Codable {
    public let tensors: [TensorSpec]
    /// The total number of scalars, buffers included.
    public let totalCount: Int
    /// The number of scalars of the parameters (the prefix before the first buffer).
    public let parameterCount: Int

    /// A layout packing `tensors` (name, shape), all parameters, in order.
    public init(_ tensors: [(name: String, shape: [Int])]) {
        self.init(tensors.map { ($0.name, $0.shape, TensorRole.parameter) })
    }

    /// A layout packing `tensors` in order; every buffer must come after every parameter.
    public init(_ tensors: [(name: String, shape: [Int], role: TensorRole)]) {
        var specs: [TensorSpec] = []
        var offset = 0
        var parameters = 0
        for (name, shape, role) in tensors {
            precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(name)")
            precondition(role == .buffer || parameters == offset, "parameter \(name) after a buffer")
            specs.append(TensorSpec(name: name, shape: shape, offset: offset, role: role))
            offset += shape.reduce(1, *)
            if role == .parameter { parameters = offset }
        }
        self.tensors = specs
        totalCount = offset
        parameterCount = parameters
    }

    private enum CodingKeys: String, CodingKey { case tensors, totalCount }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let specs = try c.decode([TensorSpec].self, forKey: .tensors)
        self.init(specs.map { ($0.name, $0.shape, $0.role) })
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(tensors, forKey: .tensors)
        try c.encode(totalCount, forKey: .totalCount)
    }

    /// Whether some tensor is a buffer.
    public var hasBuffers: Bool { parameterCount < totalCount }

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
