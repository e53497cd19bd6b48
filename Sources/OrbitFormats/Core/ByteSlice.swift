import OrbitNumerics

/// An immutable run of bytes that shares its storage: slicing a 47 MB file into tensors copies
/// nothing.
///
/// Storage is an ``AlignedBuffer`` (64-byte aligned; 2 MiB-aligned huge pages from 4 MiB up), so a
/// file read into a `ByteSlice` costs one allocation and no Foundation `Data` copies. A slice keeps
/// its whole parent buffer alive; copy it with ``compacted()`` if that matters.
public struct ByteSlice: Sendable, Equatable, CustomStringConvertible {
    let storage: AlignedBuffer<UInt8>
    let start: Int
    /// The number of bytes.
    public let count: Int

    /// A copy of `bytes`.
    public init(_ bytes: [UInt8]) {
        self.init(count: bytes.count) { out in
            out.copyBytes(from: bytes)
        }
    }

    /// `count` bytes that `initializer` must write in full.
    public init(count: Int, initializer: (UnsafeMutableRawBufferPointer) throws -> Void) rethrows {
        storage = AlignedBuffer(uninitializedCount: count)
        start = 0
        self.count = count
        try initializer(UnsafeMutableRawBufferPointer(storage.buffer))
    }

    init(storage: AlignedBuffer<UInt8>, start: Int, count: Int) {
        precondition(start >= 0 && count >= 0 && start + count <= storage.count, "byte slice out of range")
        self.storage = storage
        self.start = start
        self.count = count
    }

    /// Calls `body` with the bytes; the pointer must not escape.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withExtendedLifetime(storage) {
            try body(UnsafeRawBufferPointer(start: storage.baseAddress + start, count: count))
        }
    }

    /// The bytes `range` (relative to this slice), sharing storage. Traps if out of range: parsers
    /// check bounds first and throw ``FormatError`` themselves.
    public subscript(range: Range<Int>) -> ByteSlice {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "byte range \(range) out of 0..<\(count)")
        return ByteSlice(storage: storage, start: start + range.lowerBound, count: range.count)
    }

    public subscript(index: Int) -> UInt8 {
        precondition(index >= 0 && index < count, "byte index \(index) out of 0..<\(count)")
        return storage.baseAddress[start + index]
    }

    /// The bytes as an array (a copy).
    public var array: [UInt8] { withUnsafeBytes { Array($0) } }

    /// A copy that owns exactly its bytes.
    public func compacted() -> ByteSlice {
        withUnsafeBytes { source in ByteSlice(count: count) { $0.copyMemory(from: source) } }
    }

    public static func == (lhs: ByteSlice, rhs: ByteSlice) -> Bool {
        lhs.count == rhs.count && lhs.withUnsafeBytes { a in rhs.withUnsafeBytes { b in a.elementsEqual(b) } }
    }

    public var description: String { "ByteSlice(\(count) bytes)" }
}
