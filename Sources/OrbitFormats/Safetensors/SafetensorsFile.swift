/// A safetensors file: named tensors plus a string-to-string metadata map.
///
/// Layout (https://github.com/huggingface/safetensors):
/// ```
/// [8 bytes]  N, little-endian u64
/// [N bytes]  UTF-8 JSON: {"__metadata__": {str: str}?, NAME: {"dtype": "F32", "shape": [d…],
///                          "data_offsets": [begin, end]}, …}   (padded with spaces)
/// [rest]     the byte buffer; offsets are relative to its start
/// ```
/// Reading validates everything the reference implementation does — N ≤ 100 MB and N ≤ file − 8,
/// UTF-8, JSON (duplicate keys rejected), known dtypes, `end − begin = product(shape) × itemsize`
/// with overflow checks, and offsets that tile the buffer exactly (no gaps, overlaps or trailing
/// bytes) — before handing out any tensor. Tensors share the file's buffer (no copies).
/// Reading and validating cost O(file size) time for the read plus O(header) for the rest.
///
/// Writing produces what the reference writes: compact JSON, `__metadata__` first (omitted when
/// empty, keys sorted), the header padded with spaces to a multiple of 8 so the buffer is
/// 8-aligned, and tensors laid out in the order given (so a reader sees them in that order).
public struct SafetensorsFile: Sendable, Equatable {
    /// The tensors in buffer order (for Orbit-written files, the order they were written in).
    public var tensors: [RawTensor]
    public var metadata: [String: String]

    public init(tensors: [RawTensor], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The tensor called `name`, if present.
    public subscript(name: String) -> RawTensor? { tensors.first { $0.name == name } }

    /// The tensor called `name`; throws ``FormatError/Reason/missing(available:)`` naming the others.
    public func tensor(_ name: String, file: String = "<safetensors>") throws -> RawTensor {
        guard let t = self[name] else {
            throw FormatError(file: file, tensor: name, reason: .missing(available: tensors.map(\.name)))
        }
        return t
    }

    // MARK: Reading

    /// Reads and validates the safetensors file at `path`.
    public static func read(_ path: String, limits: FormatLimits = .standard) throws -> SafetensorsFile {
        try parse(try FileReader.read(path, limit: limits.maxFileBytes), file: path, limits: limits)
    }

    /// Parses a safetensors file held in memory (`file` names it in errors).
    public static func parse(_ data: ByteSlice, file: String, limits: FormatLimits = .standard) throws
        -> SafetensorsFile
    {
        let (header, bufferStart) = try data.withUnsafeBytes { raw -> (JSONValue, Int) in
            var cursor = ByteCursor(raw, file: file)
            let length = try cursor.u64("the 8-byte header length")
            guard length <= UInt64(cursor.remaining) else {
                throw FormatError(file: file, reason: .headerBeyondFile(headerLength: length, fileSize: raw.count))
            }
            guard length <= UInt64(limits.maxHeaderBytes) else {
                throw FormatError(
                    file: file,
                    reason: .absurdSize(what: "header length", value: length, limit: UInt64(limits.maxHeaderBytes)))
            }
            let text = try cursor.bytes(Int(length), for: "the JSON header")
            try validateUTF8(text, file: file)
            return (try JSONValue.parse(text, file: file), cursor.offset)
        }
        guard case .object(let members) = header else {
            throw FormatError(file: file, reason: .malformedHeader("the header is \(header.kindName), not an object"))
        }
        let buffer = data[bufferStart..<data.count]

        var metadata: [String: String] = [:]
        var entries: [(name: String, dtype: TensorDType, shape: [Int], begin: Int, end: Int)] = []
        for member in members {
            if member.key == "__metadata__" {
                metadata = try parseMetadata(member.value, file: file)
                continue
            }
            let name = member.key
            func fail(_ reason: FormatError.Reason) -> FormatError {
                FormatError(file: file, tensor: name, reason: reason)
            }
            guard case .object(let fields) = member.value else {
                throw fail(.malformedHeader("tensor entry is \(member.value.kindName), not an object"))
            }
            // Unknown fields are ignored, as serde (the reference implementation) does.
            func field(_ key: String) throws -> JSONValue {
                guard let f = fields.first(where: { $0.key == key }) else {
                    throw fail(.malformedHeader("missing '\(key)'"))
                }
                return f.value
            }
            guard case .string(let dtypeName) = try field("dtype") else {
                throw fail(.malformedHeader("'dtype' is not a string"))
            }
            guard let dtype = TensorDType(safetensorsName: dtypeName) else { throw fail(.unsupportedDType(dtypeName)) }
            let shape64 = try unsignedArray(try field("shape"), what: "shape", limits: limits, fail: fail)
            guard shape64.count <= limits.maxRank else {
                throw fail(.absurdSize(what: "rank", value: UInt64(shape64.count), limit: UInt64(limits.maxRank)))
            }
            let offsets = try unsignedArray(try field("data_offsets"), what: "data_offsets", limits: limits, fail: fail)
            guard offsets.count == 2 else {
                throw fail(.malformedHeader("'data_offsets' must have 2 entries, not \(offsets.count)"))
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin <= end, end <= UInt64(buffer.count) else {
                throw fail(.offsetsOutOfRange(begin: begin, end: end, bufferSize: buffer.count))
            }
            let expected = try TensorShape.byteCount(shape64, itemSize: dtype.byteSize, file: file, tensor: name)
            guard expected == Int(end - begin) else {
                throw fail(
                    .byteCountMismatch(
                        dtype: dtypeName, shape: TensorShape.ints(shape64), expected: expected, actual: Int(end - begin)
                    ))
            }
            entries.append((name, dtype, TensorShape.ints(shape64), Int(begin), Int(end)))
        }

        // The tensors must tile the buffer: sorted by offset, each starts where the previous ended.
        entries.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var covered = 0
        var previous: (name: String, begin: Int, end: Int)?
        for e in entries {
            if e.begin < covered, let p = previous {
                throw FormatError(
                    file: file, tensor: e.name,
                    reason: .overlappingOffsets(
                        other: p.name, begin: e.begin, end: e.end, otherBegin: p.begin, otherEnd: p.end))
            }
            if e.begin > covered {
                throw FormatError(file: file, reason: .uncoveredBytes(begin: covered, end: e.begin))
            }
            covered = e.end
            previous = (e.name, e.begin, e.end)
        }
        if covered < buffer.count {
            throw FormatError(file: file, reason: .uncoveredBytes(begin: covered, end: buffer.count))
        }

        let tensors = try entries.map { e in
            try RawTensor(name: e.name, dtype: e.dtype, shape: e.shape, bytes: buffer[e.begin..<e.end], file: file)
        }
        return SafetensorsFile(tensors: tensors, metadata: metadata)
    }

    private static func parseMetadata(_ value: JSONValue, file: String) throws -> [String: String] {
        guard case .object(let members) = value else {
            throw FormatError(
                file: file, reason: .malformedHeader("'__metadata__' is \(value.kindName), not an object"))
        }
        var result: [String: String] = [:]
        for m in members {
            guard case .string(let s) = m.value else {
                throw FormatError(
                    file: file,
                    reason: .malformedHeader("'__metadata__' value for '\(m.key)' is \(m.value.kindName), not a string")
                )
            }
            result[m.key] = s
        }
        return result
    }

    private static func unsignedArray(
        _ value: JSONValue, what: String, limits: FormatLimits, fail: (FormatError.Reason) -> FormatError
    ) throws -> [UInt64] {
        guard case .array(let items) = value else {
            throw fail(.malformedHeader("'\(what)' is \(value.kindName), not an array"))
        }
        return try items.map { item in
            if let n = item.unsignedInteger { return n }
            if case .number(let text) = item, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                throw fail(.malformedHeader("'\(what)' entry \(text) does not fit in 64 bits"))
            }
            throw fail(.malformedHeader("'\(what)' entries must be non-negative integers, found \(item.serialized)"))
        }
    }

    // MARK: Writing

    /// The header JSON (unpadded) and total buffer size for `tensors` laid out in order.
    func header(file: String) throws -> (json: [UInt8], bufferSize: Int) {
        var members: [JSONMember] = []
        if !metadata.isEmpty {
            let entries = metadata.keys.sorted().map { JSONMember(key: $0, value: .string(metadata[$0]!)) }
            members.append(JSONMember(key: "__metadata__", value: .object(entries)))
        }
        var names = Set<String>()
        var offset = 0
        for t in tensors {
            guard t.name != "__metadata__" else {
                throw FormatError(
                    file: file, tensor: t.name, reason: .notRepresentable("'__metadata__' is a reserved name"))
            }
            guard names.insert(t.name).inserted else { throw FormatError(file: file, reason: .duplicateKey(t.name)) }
            let entry: JSONValue = .object([
                JSONMember(key: "dtype", value: .string(t.dtype.safetensorsName)),
                JSONMember(key: "shape", value: .array(t.shape.map { .number(String($0)) })),
                JSONMember(
                    key: "data_offsets",
                    value: .array([.number(String(offset)), .number(String(offset + t.bytes.count))])),
            ])
            members.append(JSONMember(key: t.name, value: entry))
            offset += t.bytes.count
        }
        var json = Array(JSONValue.object(members).serialized.utf8)
        // Pad with spaces so the data buffer starts 8-byte aligned, as the reference does.
        json += [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8)
        return (json, offset)
    }

    /// The complete file as bytes.
    public func serialized() throws -> [UInt8] {
        let (json, bufferSize) = try header(file: "<memory>")
        var out = ByteWriter()
        out.bytes.reserveCapacity(8 + json.count + bufferSize)
        out.u64(UInt64(json.count))
        out.append(json)
        for t in tensors { t.bytes.withUnsafeBytes { out.bytes += $0 } }
        return out.bytes
    }

    /// Writes the file atomically (see ``AtomicFile``), streaming tensor bytes without a full copy.
    public func write(to path: String) throws {
        let (json, _) = try header(file: path)
        try AtomicFile.write(to: path) { sink in
            var prefix = ByteWriter()
            prefix.u64(UInt64(json.count))
            try sink.write(prefix.bytes)
            try sink.write(json)
            for t in tensors { try sink.write(t.bytes) }
        }
    }
}
