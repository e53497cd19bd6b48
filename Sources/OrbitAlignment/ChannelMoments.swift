import OrbitNetworks
import OrbitNumerics

/// Streamed per-channel first and second moments of one node's outputs, pooled over samples and
/// spatial positions, in Float64: a batch's output (rows × C·P, NCHW: channel c owns the P = H·W
/// consecutive columns c·P ..< (c+1)·P; P = 1 for a Linear's units) adds n·P observations of each
/// channel. The statistics REPAIR and the activation-based matchers read (a channel of a
/// convolution is one unit; its positions are samples of it). Cost O(rows·C·P) per batch.
public struct ChannelMoments: Sendable {
    public let channels: Int
    public let positions: Int
    public private(set) var count = 0
    var sum: [Double]
    var sumOfSquares: [Double]

    public init(channels: Int, positions: Int) {
        precondition(channels > 0 && positions > 0, "channels and positions must be positive")
        self.channels = channels
        self.positions = positions
        sum = Array(repeating: 0, count: channels)
        sumOfSquares = sum
    }

    /// Adds every row of `batch` (rows × channels·positions).
    public mutating func add<Scalar: BLASScalar>(_ batch: MatrixView<Scalar>) {
        precondition(batch.columns == channels * positions, "\(batch.columns) columns for \(channels)×\(positions)")
        for i in 0..<batch.rows {
            let row = batch.row(i)
            for c in 0..<channels {
                var s = 0.0, q = 0.0
                for p in (c * positions)..<((c + 1) * positions) {
                    let v = Double(row[p])
                    s += v
                    q += v * v
                }
                sum[c] += s
                sumOfSquares[c] += q
            }
        }
        count += batch.rows * positions
    }

    /// E[x_c] per channel.
    public var mean: [Double] { sum.map { $0 / Double(Swift.max(count, 1)) } }

    /// The population standard deviation per channel, √(E[x_c²] − E[x_c]²) (0 when negative by rounding).
    public var standardDeviation: [Double] {
        let n = Double(Swift.max(count, 1))
        return zip(sumOfSquares, sum).map { q, s in Swift.max(q / n - (s / n) * (s / n), 0).squareRoot() }
    }
}

/// The (rows·P) × C matrix whose row (i, p) holds position p of every channel of sample i: a node's
/// NCHW output rearranged so that each spatial position is one observation of the C channels (for
/// cross-moments by one GEMM). O(rows·C·P).
public func channelObservations<Scalar: BLASScalar>(_ batch: MatrixView<Scalar>, channels: Int) -> Matrix<Double> {
    let positions = batch.columns / channels
    precondition(positions * channels == batch.columns, "\(batch.columns) columns are not \(channels) channels")
    var out = Matrix<Double>(rows: batch.rows * positions, columns: channels)
    out.withMutableView { dst in
        for i in 0..<batch.rows {
            let row = batch.row(i)
            for c in 0..<channels {
                for p in 0..<positions { dst[i * positions + p, c] = Double(row[c * positions + p]) }
            }
        }
    }
    return out
}
