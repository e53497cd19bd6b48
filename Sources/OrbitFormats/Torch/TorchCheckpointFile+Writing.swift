/// Writing a plain state dict as `torch.save` does (zip layout), loadable by
/// `torch.load(path, weights_only=True)`.
///
/// The pickle (protocol 2) is an `OrderedDict` of `_rebuild_tensor_v2` tensors — the only globals
/// it names are `collections.OrderedDict`, `torch._utils._rebuild_tensor_v2` and the storage types —
/// and each tensor has its own contiguous storage `archive/data/<i>`. Members are stored
/// (uncompressed) by ``ZipWriter``, with `byteorder` = `little` and `version` = `3`, as torch writes
/// them. torch.save pads members to 64-byte boundaries for memory mapping; `torch.load` needs no
/// padding (with `mmap=True` too, checked by Tests/Fixtures/pytorch/make_pickle_fixtures.py on an
/// Orbit-written file), so none is written. O(total tensor bytes); tensor bytes are streamed, never
/// copied.
extension TorchCheckpointFile {
    /// The root folder of written archives (torch uses the file's stem; any name loads).
    static let writtenRoot = "archive"

    /// Writes `tensors` (names must be unique) atomically to `path` as a `torch.save` state dict.
    /// Throws ``FormatError/Reason/notRepresentable(_:)`` for dtypes PyTorch's storages lack (u16–u64).
    public static func write(tensors: [RawTensor], to path: String) throws {
        let members = try zipMembers(tensors, file: path)
        try AtomicFile.write(to: path) { sink in
            try ZipWriter().write(members, file: path, to: { try sink.write($0.bytes) }, pieces: { try sink.write($0) })
        }
    }

    /// The archive `write(tensors:to:)` writes, as bytes.
    public static func serialized(tensors: [RawTensor]) throws -> [UInt8] {
        let members = try zipMembers(tensors, file: "<pt>")
        var out: [UInt8] = []
        try ZipWriter().write(
            members, file: "<pt>", to: { out += $0.bytes }, pieces: { piece in piece.withUnsafeBytes { out += $0 } })
        return out
    }

    private static func zipMembers(_ tensors: [RawTensor], file: String) throws -> [ZipWriter.Member] {
        let root = writtenRoot
        var members = [ZipWriter.Member(name: root + "/data.pkl", pieces: [ByteSlice(try pickle(tensors, file: file))])]
        members.append(ZipWriter.Member(name: root + "/byteorder", pieces: [ByteSlice(Array("little".utf8))]))
        for (index, tensor) in tensors.enumerated() {
            members.append(ZipWriter.Member(name: root + "/data/\(index)", pieces: [tensor.bytes]))
        }
        members.append(ZipWriter.Member(name: root + "/version", pieces: [ByteSlice(Array("3\n".utf8))]))
        return members
    }

    /// `OrderedDict([(name, _rebuild_tensor_v2(storage_i, 0, shape, row-major strides, False, OrderedDict()))…])`.
    static func pickle(_ tensors: [RawTensor], file: String) throws -> [UInt8] {
        var out = PickleWriter()
        out.op(.proto)
        out.bytes.append(2)
        out.global("collections", "OrderedDict")
        out.op(.emptyTuple)
        out.op(.reduce)
        out.op(.mark)
        var names = Set<String>()
        for (index, tensor) in tensors.enumerated() {
            guard names.insert(tensor.name).inserted else {
                throw FormatError(file: file, reason: .duplicateKey(tensor.name))
            }
            guard let storageType = TorchGlobal.storageTypeName(of: tensor.dtype) else {
                throw FormatError(
                    file: file, tensor: tensor.name,
                    reason: .notRepresentable("PyTorch has no storage type for dtype \(tensor.dtype)"))
            }
            out.string(tensor.name)
            out.global("torch._utils", "_rebuild_tensor_v2")
            out.op(.mark)
            // The persistent id ('storage', torch.FloatStorage, key, 'cpu', numel).
            out.op(.mark)
            out.string("storage")
            out.global("torch", storageType)
            out.string(String(index))
            out.string("cpu")
            out.int(tensor.elementCount)
            out.op(.tuple)
            out.op(.binPersistentID)
            out.int(0)
            out.tuple(tensor.shape)
            var strides = [Int](repeating: 1, count: tensor.shape.count)
            for axis in stride(from: tensor.shape.count - 2, through: 0, by: -1) {
                strides[axis] = strides[axis + 1] * max(tensor.shape[axis + 1], 1)
            }
            out.tuple(strides)
            out.op(.newFalse)
            out.global("collections", "OrderedDict")
            out.op(.emptyTuple)
            out.op(.reduce)
            out.op(.tuple)
            out.op(.reduce)
        }
        out.op(.setItems)
        out.op(.stop)
        return out.bytes
    }
}

/// Pickle opcodes with their arguments, for the writer.
private struct PickleWriter {
    var bytes: [UInt8] = []

    mutating func op(_ opcode: PickleOpcode) { bytes.append(opcode.rawValue) }

    mutating func global(_ module: String, _ name: String) {
        op(.global)
        bytes += Array(module.utf8) + [0x0A] + Array(name.utf8) + [0x0A]
    }

    mutating func string(_ text: String) {
        let utf8 = Array(text.utf8)
        op(.binUnicode)
        withUnsafeBytes(of: UInt32(utf8.count).littleEndian) { bytes += $0 }
        bytes += utf8
    }

    /// BININT for 32-bit values, else LONG1 with 8 bytes.
    mutating func int(_ value: Int) {
        if let small = Int32(exactly: value) {
            op(.binInt)
            withUnsafeBytes(of: small.littleEndian) { bytes += $0 }
        } else {
            op(.long1)
            bytes.append(8)
            withUnsafeBytes(of: Int64(value).littleEndian) { bytes += $0 }
        }
    }

    mutating func tuple(_ values: [Int]) {
        op(.mark)
        for v in values { int(v) }
        op(.tuple)
    }
}
