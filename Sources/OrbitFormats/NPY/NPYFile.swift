/// NumPy's `.npy` format (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html).
///
/// ```
/// "\x93NUMPY" major minor            6 + 2 bytes; versions 1.0, 2.0, 3.0
/// HEADER_LEN                         u16 LE (1.0) or u32 LE (2.0, 3.0)
/// HEADER                             Python dict literal, e.g.
///                                    {'descr': '<f4', 'fortran_order': False, 'shape': (60000, 784), }
///                                    padded with spaces and '\n' so the data starts 64-aligned
/// data                               product(shape) × itemsize bytes, C order
/// ```
/// Reading checks the magic and version, that the header fits in the file, the dict's three keys,
/// the dtype (`<f2 <f4 <f8 <i1…<i8 <u1…<u8 |b1`, `>` big-endian converted to little-endian),
/// C order, and that exactly product × itemsize data bytes follow — all before any data is copied
/// (little-endian data is not copied at all). Writing reproduces `numpy.save` byte for byte,
/// including NumPy's spare header space for growing the first axis.
public enum NPYFile {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY
    /// NumPy reserves room for a 21-digit first dimension so headers can be rewritten in place.
    static let growthAxisMaxDigits = 21

    /// Reads the `.npy` file at `path`; the tensor is named `name` (default: the file name without
    /// its directory and `.npy` suffix).
    public static func read(_ path: String, name: String? = nil, limits: FormatLimits = .standard) throws -> RawTensor {
        let data = try FileReader.read(path, limit: limits.maxFileBytes)
        return try parse(data, name: name ?? defaultName(path), file: path, limits: limits)
    }

    static func defaultName(_ path: String) -> String {
        let base = path.split(separator: "/").last.map(String.init) ?? path
        return base.hasSuffix(".npy") ? String(base.dropLast(4)) : base
    }

    /// Parses `.npy` bytes held in memory.
    public static func parse(
        _ data: ByteSlice, name: String, file: String, limits: FormatLimits = .standard
    ) throws -> RawTensor {
        func fail(_ reason: FormatError.Reason) -> FormatError { FormatError(file: file, tensor: name, reason: reason) }
        let (dtype, bigEndian, shape, dataStart) = try data.withUnsafeBytes {
            raw -> (TensorDType, Bool, [UInt64], Int) in
            var cursor = ByteCursor(raw, file: file, tensor: name)
            guard raw.count >= 6, raw.prefix(6).elementsEqual(magic) else {
                throw fail(.badMagic(expected: "93 4e 55 4d 50 59 (\\x93NUMPY)", found: hexPrefix(raw, count: 6)))
            }
            try cursor.skip(6, for: "magic")
            let major = try cursor.u8("the major version")
            let minor = try cursor.u8("the minor version")
            guard (1...3).contains(major), minor == 0 else {
                throw fail(.unsupported("NPY format version \(major).\(minor)"))
            }
            let headerLength =
                major == 1 ? UInt64(try cursor.u16("the header length")) : UInt64(try cursor.u32("the header length"))
            guard headerLength <= UInt64(cursor.remaining) else {
                throw fail(.headerBeyondFile(headerLength: headerLength, fileSize: raw.count))
            }
            let text = try cursor.bytes(Int(headerLength), for: "the header")
            if major == 3 { try validateUTF8(text, file: file) }
            let literal = try PythonLiteral.parse(text, latin1: major < 3, file: file)
            let (dtype, bigEndian, fortran, shape) = try interpretHeader(literal, fail: fail, limits: limits)
            if fortran && shape.filter({ $0 > 1 }).count > 1 { throw fail(.fortranOrder) }
            return (dtype, bigEndian, shape, cursor.offset)
        }
        let expected = try TensorShape.byteCount(shape, itemSize: dtype.byteSize, file: file, tensor: name)
        let available = data.count - dataStart
        guard expected == available else {
            throw fail(
                .byteCountMismatch(
                    dtype: dtype.numpyDescr ?? dtype.rawValue, shape: TensorShape.ints(shape), expected: expected,
                    actual: available))
        }
        var bytes = data[dataStart..<data.count]
        if bigEndian { bytes = byteSwapped(bytes, itemSize: dtype.byteSize) }
        return try RawTensor(name: name, dtype: dtype, shape: TensorShape.ints(shape), bytes: bytes, file: file)
    }

    private static func interpretHeader(
        _ literal: PythonLiteral, fail: (FormatError.Reason) -> FormatError, limits: FormatLimits
    ) throws -> (TensorDType, Bool, Bool, [UInt64]) {
        guard case .dict(let items) = literal else { throw fail(.malformedHeader("the header is not a dict")) }
        func value(_ key: String) throws -> PythonLiteral {
            guard let item = items.first(where: { $0.key == .string(key) }) else {
                throw fail(.malformedHeader("missing '\(key)'"))
            }
            return item.value
        }
        guard items.count == 3 else {
            throw fail(
                .malformedHeader(
                    "expected exactly the keys 'descr', 'fortran_order', 'shape'; found \(items.count) keys"))
        }
        let descr: String
        switch try value("descr") {
        case .string(let s): descr = s
        case .list: throw fail(.unsupportedDType("structured dtype"))
        default: throw fail(.malformedHeader("'descr' is not a string"))
        }
        guard let (dtype, bigEndian) = TensorDType.fromNumpy(descr) else { throw fail(.unsupportedDType(descr)) }
        guard case .bool(let fortran) = try value("fortran_order") else {
            throw fail(.malformedHeader("'fortran_order' is not True or False"))
        }
        guard case .tuple(let dims) = try value("shape") else { throw fail(.malformedHeader("'shape' is not a tuple")) }
        guard dims.count <= limits.maxRank else {
            throw fail(.absurdSize(what: "rank", value: UInt64(dims.count), limit: UInt64(limits.maxRank)))
        }
        let shape = try dims.map { d -> UInt64 in
            guard case .integer(let text) = d else { throw fail(.malformedHeader("'shape' entries must be integers")) }
            guard let n = UInt64(text) else {
                throw fail(.malformedHeader("shape entry \(text) is negative or does not fit in 64 bits"))
            }
            return n
        }
        return (dtype, bigEndian, fortran, shape)
    }

    /// A copy of `bytes` with every `itemSize`-byte element reversed (big- to little-endian).
    static func byteSwapped(_ bytes: ByteSlice, itemSize: Int) -> ByteSlice {
        bytes.withUnsafeBytes { source in
            ByteSlice(count: source.count) { out in
                var i = 0
                while i < source.count {
                    for k in 0..<itemSize { out[i + k] = source[i + itemSize - 1 - k] }
                    i += itemSize
                }
            }
        }
    }

    // MARK: Writing

    /// The header bytes (magic through the padding newline) `numpy.save` writes for `tensor`.
    public static func header(for tensor: RawTensor) throws -> [UInt8] { try header(for: tensor, file: "<npy>") }

    static func header(for tensor: RawTensor, file: String) throws -> [UInt8] {
        guard let descr = tensor.dtype.numpyDescr else {
            throw FormatError(
                file: file, tensor: tensor.name, reason: .notRepresentable("NumPy has no \(tensor.dtype) dtype"))
        }
        let shapeText: String
        switch tensor.shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(tensor.shape[0]),)"
        default: shapeText = "(" + tensor.shape.map(String.init).joined(separator: ", ") + ")"
        }
        var dict = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }"
        if let first = tensor.shape.first {
            dict += String(repeating: " ", count: max(0, growthAxisMaxDigits - String(first).count))
        }
        for (major, lengthSize) in [(UInt8(1), 2), (UInt8(2), 4)] {
            let prefix = magic.count + 2 + lengthSize
            let unpadded = dict.utf8.count + 1
            let padding = 64 - (prefix + unpadded) % 64
            let headerLength = unpadded + padding
            if lengthSize == 2 && headerLength > Int(UInt16.max) { continue }
            var out = ByteWriter()
            out.append(magic)
            out.append([major, 0])
            if lengthSize == 2 { out.u16(UInt16(headerLength)) } else { out.u32(UInt32(headerLength)) }
            out.append(dict)
            out.append([UInt8](repeating: 0x20, count: padding))
            out.append([0x0A])
            return out.bytes
        }
        throw FormatError(file: file, tensor: tensor.name, reason: .notRepresentable("header too long"))
    }

    /// The complete `.npy` file for `tensor`.
    public static func serialized(_ tensor: RawTensor) throws -> [UInt8] {
        try header(for: tensor) + tensor.bytes.array
    }

    /// Writes `tensor` to `path` atomically (see ``AtomicFile``).
    public static func write(_ tensor: RawTensor, to path: String) throws {
        let header = try header(for: tensor, file: path)
        try AtomicFile.write(to: path) { sink in
            try sink.write(header)
            try sink.write(tensor.bytes)
        }
    }
}
