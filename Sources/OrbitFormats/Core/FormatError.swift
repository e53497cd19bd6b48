/// The one error type of OrbitFormats: which file, which tensor (if any), and what exactly is wrong.
///
/// Every reader validates before it allocates or indexes, so a broken or hostile file ends here —
/// never in a crash, and never in an allocation larger than the file (or a declared, capped,
/// decompressed size) justifies. The message names the sizes involved so a user can act on it.
public struct FormatError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file being read or written (or a description such as `<memory>`).
    public var file: String
    /// The tensor, archive member or table column concerned, if any.
    public var tensor: String?
    /// What is wrong.
    public var reason: Reason

    public init(file: String, tensor: String? = nil, reason: Reason) {
        self.file = file
        self.tensor = tensor
        self.reason = reason
    }

    /// The specific problem. Sizes are in bytes unless stated.
    public enum Reason: Equatable, Sendable {
        /// The file could not be opened, read or examined (`errno` text).
        case io(String)
        /// The path is a directory, device or pipe; only regular files are read.
        case notARegularFile
        /// The data ends before `what` (which needs `needed` bytes at `offset`; `available` remain).
        case truncated(what: String, offset: Int, needed: Int, available: Int)
        /// A declared header length does not fit in the file (safetensors, NPY).
        case headerBeyondFile(headerLength: UInt64, fileSize: Int)
        /// A declared size beyond what Orbit accepts or the file could justify.
        case absurdSize(what: String, value: UInt64, limit: UInt64)
        /// The product of the shape, or product × item size, overflows 64 bits.
        case shapeOverflow(shape: [UInt64], itemSize: Int)
        /// The bytes present do not match the dtype and shape.
        case byteCountMismatch(dtype: String, shape: [Int], expected: Int, actual: Int)
        /// Tensor data offsets `[begin, end)` fall outside a buffer of `bufferSize` bytes, or end < begin.
        case offsetsOutOfRange(begin: UInt64, end: UInt64, bufferSize: Int)
        /// Two tensors claim the same bytes.
        case overlappingOffsets(other: String, begin: Int, end: Int, otherBegin: Int, otherEnd: Int)
        /// Bytes of the data buffer belong to no tensor (`[begin, end)`).
        case uncoveredBytes(begin: Int, end: Int)
        /// A text header is not valid UTF-8 (first bad byte at `offset` within the header).
        case invalidUTF8(offset: Int)
        /// A JSON header is malformed.
        case invalidJSON(offset: Int, detail: String)
        /// The same key appears twice in a header or archive.
        case duplicateKey(String)
        /// A header is well-formed but lacks or mistypes a field.
        case malformedHeader(String)
        /// A dtype Orbit does not read or write (named as the file names it).
        case unsupportedDType(String)
        /// A dtype other than the one the operation needs.
        case dtypeMismatch(expected: String, found: String)
        /// NPY data stored in column-major (Fortran) order.
        case fortranOrder
        /// The file does not start with the format's magic bytes.
        case badMagic(expected: String, found: String)
        /// A format version, compression method or feature Orbit does not handle.
        case unsupported(String)
        /// A CRC-32 check failed.
        case crcMismatch(expected: UInt32, actual: UInt32)
        /// zlib reported corrupt or incomplete compressed data.
        case decompressionFailed(String)
        /// Decompression produced more (or fewer) bytes than declared.
        case decompressedSizeMismatch(declared: Int, actual: String)
        /// A requested tensor or member is not in the file.
        case missing(available: [String])
        /// A CSV cell that is not a number (1-based line and column).
        case notANumber(line: Int, column: Int, cell: String)
        /// A CSV row with a different number of cells from the first row.
        case raggedRow(line: Int, expected: Int, found: Int)
        /// A value that cannot be represented in the target format (e.g. an NPZ over 4 GiB).
        case notRepresentable(String)
        /// Writing failed; nothing was left at the destination.
        case writeFailed(String)
        /// A pickle names a global outside the state-dict allowlist (e.g. `posix.system`); nothing ran.
        case forbiddenGlobal(name: String, offset: Int)
        /// A byte that is no pickle opcode, at `offset` within the pickle's member or file.
        case unknownOpcode(byte: UInt8, offset: Int)
        /// A pickle opcode the restricted unpickler does not execute (e.g. `NEWOBJ`).
        case unsupportedOpcode(name: String, byte: UInt8, offset: Int)
        /// A pickle that breaks the format's rules (stack underflow, a missing memo entry, …).
        case malformedPickle(detail: String, offset: Int)
        /// A tensor's view needs `needed` elements of a storage that holds `available`.
        case storageTooShort(storage: String, shape: [Int], needed: Int, available: Int)
        /// Several dicts of tensors in a checkpoint (their key paths); which to read is ambiguous.
        case ambiguousTensors(candidates: [String])
        /// No dict of tensors where state dicts are kept.
        case noTensors(String)
    }

    public var description: String {
        let subject = tensor.map { "\(file): '\($0)'" } ?? file
        return "\(subject): \(reason)"
    }
}

extension FormatError.Reason: CustomStringConvertible {
    public var description: String {
        switch self {
        case .io(let message):
            return message
        case .notARegularFile:
            return "not a regular file"
        case .truncated(let what, let offset, let needed, let available):
            return "truncated: \(what) needs \(needed) bytes at offset \(offset) but only \(available) remain"
        case .headerBeyondFile(let length, let size):
            return "header length \(length) goes beyond the end of the file (\(size) bytes)"
        case .absurdSize(let what, let value, let limit):
            return "\(what) of \(value) exceeds the limit of \(limit)"
        case .shapeOverflow(let shape, let itemSize):
            return "shape \(shape) × \(itemSize)-byte items overflows 64 bits"
        case .byteCountMismatch(let dtype, let shape, let expected, let actual):
            return "\(dtype) \(shape) needs \(expected) bytes but \(actual) are present"
        case .offsetsOutOfRange(let begin, let end, let size):
            return "data offsets [\(begin), \(end)) are out of range for a \(size)-byte buffer"
        case .overlappingOffsets(let other, let begin, let end, let otherBegin, let otherEnd):
            return "data offsets [\(begin), \(end)) overlap '\(other)' at [\(otherBegin), \(otherEnd))"
        case .uncoveredBytes(let begin, let end):
            return "bytes [\(begin), \(end)) of the data buffer belong to no tensor"
        case .invalidUTF8(let offset):
            return "header is not valid UTF-8 (bad byte at header offset \(offset))"
        case .invalidJSON(let offset, let detail):
            return "invalid JSON header at offset \(offset): \(detail)"
        case .duplicateKey(let key):
            return "duplicate key '\(key)'"
        case .malformedHeader(let detail):
            return "malformed header: \(detail)"
        case .unsupportedDType(let dtype):
            return "unsupported dtype '\(dtype)'"
        case .dtypeMismatch(let expected, let found):
            return "expected dtype \(expected), found \(found)"
        case .fortranOrder:
            return "array is stored in Fortran (column-major) order; save it with numpy.ascontiguousarray first"
        case .badMagic(let expected, let found):
            return "bad magic: expected \(expected), found \(found)"
        case .unsupported(let detail):
            return "unsupported: \(detail)"
        case .crcMismatch(let expected, let actual):
            return "CRC-32 mismatch: archive says \(hex(expected)), data gives \(hex(actual))"
        case .decompressionFailed(let detail):
            return "decompression failed: \(detail)"
        case .decompressedSizeMismatch(let declared, let actual):
            return "decompressed size \(actual) differs from the declared \(declared) bytes"
        case .missing(let available):
            return "not found; available: \(available.isEmpty ? "none" : available.joined(separator: ", "))"
        case .notANumber(let line, let column, let cell):
            // Keep the message on one line even for a quoted cell spanning lines.
            let shown = cell.unicodeScalars.map { $0 == "\n" ? "\\n" : $0 == "\r" ? "\\r" : String($0) }.joined()
            return "line \(line), column \(column): '\(shown)' is not a number"
        case .raggedRow(let line, let expected, let found):
            return "line \(line) has \(found) cells, expected \(expected)"
        case .notRepresentable(let detail):
            return "cannot be written: \(detail)"
        case .writeFailed(let detail):
            return "write failed: \(detail)"
        case .forbiddenGlobal(let name, let offset):
            return
                "refused global '\(name)' at offset \(offset): only the globals of a PyTorch state dict are allowed (as with torch.load(weights_only=True)); nothing was executed"
        case .unknownOpcode(let byte, let offset):
            return "unknown pickle opcode 0x\(String(byte, radix: 16)) at offset \(offset)"
        case .unsupportedOpcode(let name, let byte, let offset):
            return
                "pickle opcode \(name) (0x\(String(byte, radix: 16))) at offset \(offset) is not allowed in a state dict; nothing was executed"
        case .malformedPickle(let detail, let offset):
            return "malformed pickle at offset \(offset): \(detail)"
        case .storageTooShort(let storage, let shape, let needed, let available):
            return
                "shape \(shape) needs \(needed) elements of storage '\(storage)', which holds \(available)"
        case .ambiguousTensors(let candidates):
            return
                "several dicts of tensors: \(candidates.joined(separator: ", ")); save the one to analyse on its own (e.g. torch.save(ckpt[\"model\"], path))"
        case .noTensors(let detail):
            return "no dict of tensors found \(detail)"
        }
    }
}

private func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
}
