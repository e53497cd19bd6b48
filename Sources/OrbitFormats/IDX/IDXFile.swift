/// The IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/), raw or gzipped.
///
/// ```
/// 0x00 0x00 TYPE NDIMS     TYPE: 0x08 u8, 0x09 i8, 0x0B i16, 0x0C i32, 0x0D f32, 0x0E f64
/// NDIMS × u32 big-endian   dimensions, outermost first
/// data                     product(dims) elements, big-endian, row-major
/// ```
/// e.g. Fashion-MNIST's training images: `00 00 08 03`, 60000, 28, 28, then 47,040,000 bytes.
///
/// The file is read through ``GzipStream`` (zlib `gzread`), which decompresses `.gz` files and
/// passes raw ones through. The header is read first; the data buffer is then allocated at exactly
/// the declared size — which must be plausible for the file size (raw: equal to what follows the
/// header; gzip: at most ~1032× the compressed size and ``FormatLimits/maxDecompressedBytes``) — so
/// a gzip bomb cannot make Orbit allocate more than the file justifies. Data beyond the declared
/// size is an error. Multi-byte elements are converted to little-endian in place.
/// Time: one pass of zlib (≈ 0.2 s for the 26 MB Fashion-MNIST training images).
public enum IDXFile {
    /// The dtype of an IDX type code.
    public static func dtype(code: UInt8) -> TensorDType? {
        switch code {
        case 0x08: return .uint8
        case 0x09: return .int8
        case 0x0B: return .int16
        case 0x0C: return .int32
        case 0x0D: return .float32
        case 0x0E: return .float64
        default: return nil
        }
    }

    /// Reads the IDX file (raw or gzip) at `path` as a tensor named `name` (default: the file name).
    public static func read(_ path: String, name: String? = nil, limits: FormatLimits = .standard) throws -> RawTensor {
        let name = name ?? (path.split(separator: "/").last.map(String.init) ?? path)
        func fail(_ reason: FormatError.Reason) -> FormatError { FormatError(file: path, tensor: name, reason: reason) }
        let fileSize = try FileReader.size(of: path)
        let stream = try GzipStream(path: path)

        var magic: [UInt8] = [0, 0, 0, 0]
        let got = try magic.withUnsafeMutableBytes { try stream.read(into: $0) }
        guard got == 4 else { throw fail(.truncated(what: "the IDX magic", offset: 0, needed: 4, available: got)) }
        guard magic[0] == 0, magic[1] == 0 else {
            throw fail(
                .badMagic(expected: "00 00 TYPE NDIMS (IDX)", found: magic.withUnsafeBytes { hexPrefix($0, count: 4) }))
        }
        guard let dtype = dtype(code: magic[2]) else {
            throw fail(.unsupportedDType("IDX type 0x" + String(magic[2], radix: 16)))
        }
        let rank = Int(magic[3])
        guard rank >= 1, rank <= limits.maxRank else {
            throw fail(.malformedHeader("IDX rank \(rank) (expected 1…\(limits.maxRank))"))
        }
        var dimensionBytes = [UInt8](repeating: 0, count: 4 * rank)
        let gotDimensions = try dimensionBytes.withUnsafeMutableBytes { try stream.read(into: $0) }
        guard gotDimensions == 4 * rank else {
            throw fail(
                .truncated(what: "the \(rank) IDX dimensions", offset: 4, needed: 4 * rank, available: gotDimensions))
        }
        let shape = dimensionBytes.withUnsafeBytes { raw in
            (0..<rank).map { UInt64(UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
        let byteCount = try TensorShape.byteCount(shape, itemSize: dtype.byteSize, file: path, tensor: name)
        let headerSize = 4 + 4 * rank
        if stream.isUncompressed {
            guard byteCount == fileSize - headerSize else {
                throw fail(
                    .byteCountMismatch(
                        dtype: dtype.rawValue, shape: TensorShape.ints(shape), expected: byteCount,
                        actual: fileSize - headerSize))
            }
        } else {
            let limit = limits.plausibleDecompressedBytes(compressedSize: fileSize)
            guard byteCount <= limit else {
                throw fail(
                    .absurdSize(
                        what: "declared IDX data size \(TensorShape.ints(shape))", value: UInt64(byteCount),
                        limit: UInt64(limit)))
            }
        }

        let data = try ByteSlice(count: byteCount) { buffer in
            let n = try stream.read(into: buffer)
            guard n == byteCount else {
                throw fail(
                    .truncated(
                        what: "IDX data of shape \(TensorShape.ints(shape))", offset: headerSize + n,
                        needed: byteCount - n, available: 0))
            }
            guard try stream.atEnd() else {
                throw fail(
                    .decompressedSizeMismatch(
                        declared: headerSize + byteCount, actual: "more than \(headerSize + byteCount)"))
            }
            if dtype.byteSize > 1 { byteSwapInPlace(buffer, itemSize: dtype.byteSize) }
        }
        return try RawTensor(name: name, dtype: dtype, shape: TensorShape.ints(shape), bytes: data, file: path)
    }

    private static func byteSwapInPlace(_ buffer: UnsafeMutableRawBufferPointer, itemSize: Int) {
        var i = 0
        while i < buffer.count {
            for k in 0..<(itemSize / 2) { buffer.swapAt(i + k, i + itemSize - 1 - k) }
            i += itemSize
        }
    }
}
