import OrbitFormats
import OrbitNumerics

/// Features as loaded, before scaling and standardisation.
enum RawFeatures {
    /// uint8 values (pixels), `rows × columns`, row-major; scaled by 1/255.
    case bytes(ByteSlice, rows: Int, columns: Int)
    /// Floating-point features, used as they are.
    case floats(Matrix<Float>)

    var rows: Int {
        switch self {
        case .bytes(_, let rows, _): return rows
        case .floats(let m): return m.rows
        }
    }

    var columns: Int {
        switch self {
        case .bytes(_, _, let columns): return columns
        case .floats(let m): return m.columns
        }
    }

    /// The first `n` rows (all if fewer); free for bytes, a copy for floats.
    func prefix(_ n: Int?) -> RawFeatures {
        guard let n, n < rows else { return self }
        switch self {
        case .bytes(let bytes, _, let columns): return .bytes(bytes[0..<(n * columns)], rows: n, columns: columns)
        case .floats(let m): return .floats(m.submatrix(rows: 0..<n, columns: 0..<m.columns))
        }
    }

    /// Features from a tensor: uint8 stays bytes; every other dtype converts to Float. Rank ≥ 2
    /// flattens trailing axes; rank 1 is one feature per sample.
    init(_ tensor: RawTensor) {
        if tensor.dtype == .uint8 {
            let rows = tensor.shape.first ?? 1
            self = .bytes(
                tensor.bytes, rows: rows,
                columns: rows == 0 ? tensor.shape.dropFirst().reduce(1, *) : tensor.elementCount / rows)
        } else {
            self = .floats(tensor.matrix(Float.self))
        }
    }
}
