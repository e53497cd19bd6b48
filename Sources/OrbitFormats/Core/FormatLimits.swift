/// Upper bounds that keep a hostile file from exhausting memory.
///
/// Raw formats are bounded by the file itself: a reader never allocates more than the bytes it
/// read. Compressed data (gzip, deflated NPZ members) can expand, so its declared size must be
/// plausible for the compressed size (deflate expands at most ~1032:1) and below
/// ``maxDecompressedBytes``.
public struct FormatLimits: Sendable, Equatable {
    /// The largest safetensors JSON header accepted (the reference implementation uses 100 MB).
    public var maxHeaderBytes: Int
    /// The largest total a single decompression may produce.
    public var maxDecompressedBytes: Int
    /// The largest file read into memory.
    public var maxFileBytes: Int
    /// The most dimensions a tensor may have (numpy allows 64).
    public var maxRank: Int

    public init(
        maxHeaderBytes: Int = 100_000_000, maxDecompressedBytes: Int = 16 << 30, maxFileBytes: Int = 64 << 30,
        maxRank: Int = 64
    ) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxDecompressedBytes = maxDecompressedBytes
        self.maxFileBytes = maxFileBytes
        self.maxRank = maxRank
    }

    /// The defaults.
    public static let standard = FormatLimits()

    /// Deflate's best case is a 258-byte match per ~2 bits, ≈ 1032:1; add slack for headers.
    static let maxDeflateRatio = 1032

    /// The most bytes `compressedSize` bytes of deflate data can plausibly expand to.
    func plausibleDecompressedBytes(compressedSize: Int) -> Int {
        let (ratio, overflow) = compressedSize.multipliedReportingOverflow(by: Self.maxDeflateRatio)
        return overflow ? maxDecompressedBytes : min(maxDecompressedBytes, ratio + 4096)
    }
}
