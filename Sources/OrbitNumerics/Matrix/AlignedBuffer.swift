#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An owned, uninitialised-on-creation buffer of `count` scalars, 64-byte aligned.
///
/// Buffers of 4 MiB or more are 2 MiB-aligned and advised as huge pages where the kernel supports it:
/// on these VMs first-touch page faults cost ~0.5 ms/MB, and huge pages cut that about fourfold
/// (docs/numerics-measurements.md §3). Allocate big buffers once and reuse them.
public final class AlignedBuffer<Scalar: BitwiseCopyable>: @unchecked Sendable {
    public let baseAddress: UnsafeMutablePointer<Scalar>
    public let count: Int

    static var hugePageThreshold: Int { 4 << 20 }

    /// A buffer of `count` elements, every element set to `value`.
    public convenience init(repeating value: Scalar, count: Int) {
        self.init(uninitializedCount: count)
        // Byte copies, not `initialize(repeating:)`: called from other modules that method runs
        // unspecialised, one value-witness call per element (a tenth of weight matching's time).
        let stride = MemoryLayout<Scalar>.stride
        let raw = UnsafeMutableRawPointer(baseAddress)
        withUnsafeBytes(of: value) { bytes in
            if bytes.allSatisfy({ $0 == 0 }) {
                memset(raw, 0, count * stride)
                return
            }
            guard count > 0 else { return }
            raw.copyMemory(from: bytes.baseAddress!, byteCount: stride)
            var filled = 1
            while filled < count {
                let n = Swift.min(filled, count - filled)
                (raw + filled * stride).copyMemory(from: raw, byteCount: n * stride)
                filled += n
            }
        }
    }

    /// A buffer of `count` elements whose contents the caller initialises before reading.
    public init(uninitializedCount count: Int) {
        precondition(count >= 0, "negative buffer size \(count)")
        let (bytes, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<Scalar>.stride)
        precondition(!overflow, "buffer of \(count) elements overflows the address space")
        let huge = bytes >= Self.hugePageThreshold
        let alignment = huge ? 2 << 20 : 64
        var raw: UnsafeMutableRawPointer?
        let status = posix_memalign(&raw, alignment, max(bytes, 1))
        guard status == 0, let raw else {
            fatalError("out of memory: could not allocate \(bytes) bytes")
        }
        #if os(Linux)
            if huge { _ = madvise(raw, bytes, 14 /* MADV_HUGEPAGE */) }
        #endif
        baseAddress = raw.bindMemory(to: Scalar.self, capacity: count)
        self.count = count
    }

    deinit { free(baseAddress) }

    public var buffer: UnsafeMutableBufferPointer<Scalar> {
        UnsafeMutableBufferPointer(start: baseAddress, count: count)
    }

    /// A new buffer with the same contents.
    public func copy() -> AlignedBuffer<Scalar> {
        let result = AlignedBuffer(uninitializedCount: count)
        result.baseAddress.update(from: baseAddress, count: count)
        return result
    }
}
