import OrbitNumerics

/// Global average pooling (PyTorch `AdaptiveAvgPool2d(1)` + flatten): N × C × S → N × C with
/// y[n, c] = (1/S)·Σ_s x[n, c, s], S = H·W. The batch read as an (N·C) × S matrix X gives
/// y = X·(1/S)·1 (one gemv) and dX = dy·((1/S)·1)ᵀ (one rank-1 GEMM). O(N·C·S) each.
public final class GlobalAveragePoolKernel<Scalar: BLASScalar> {
    public let channels: Int
    /// S = H·W positions averaged per channel.
    public let spatial: Int
    /// The S-vector (1/S, …, 1/S).
    private let weights: AlignedBuffer<Scalar>

    public init(channels: Int, spatial: Int) {
        precondition(channels > 0 && spatial > 0, "GlobalAveragePoolKernel: \(channels) channels × \(spatial)")
        self.channels = channels
        self.spatial = spatial
        weights = AlignedBuffer(repeating: 1 / Scalar(spatial), count: spatial)
    }

    /// output ← row means of input, rows × C.
    public func forward(rows: Int, input: UnsafePointer<Scalar>, output: UnsafeMutablePointer<Scalar>) {
        let planes = rows * channels
        gemv(
            MatrixView(baseAddress: input, rows: planes, columns: spatial),
            UnsafeBufferPointer(start: UnsafePointer(weights.baseAddress), count: spatial),
            into: UnsafeMutableBufferPointer(start: output, count: planes))
    }

    /// inputGradient[n, c, s] ← (or += when `accumulate`) outputGradient[n, c] / S.
    public func backward(
        rows: Int, outputGradient: UnsafePointer<Scalar>, inputGradient: UnsafeMutablePointer<Scalar>,
        accumulate: Bool
    ) {
        let planes = rows * channels
        gemm(
            MatrixView(baseAddress: outputGradient, rows: planes, columns: 1),
            MatrixView(baseAddress: UnsafePointer(weights.baseAddress), rows: 1, columns: spatial),
            into: MutableMatrixView(baseAddress: inputGradient, rows: planes, columns: spatial),
            beta: accumulate ? 1 : 0)
    }
}
