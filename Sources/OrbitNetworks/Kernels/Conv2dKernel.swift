import OrbitNumerics

/// A 2-D convolution (PyTorch `Conv2d`, groups = 1, dilation = 1) on NCHW rows through im2col + GEMM.
///
/// For each sample n with column matrix colₙ = im2col(xₙ) ((C_in·kH·kW) × P, P = H_out·W_out, see
/// ``Im2col``) and the weight W read as C_out × (C_in·kH·kW):
/// - forward yₙ = W·colₙ + b·1ᵀ (C_out × P, which is the NCHW output row);
/// - input gradient dxₙ = col2im(Wᵀ·dyₙ);
/// - weight gradient dW = Σₙ dyₙ·colₙᵀ, bias gradient db = Σₙ dyₙ·1.
/// Each is one GEMM of 2·C_out·(C_in·kH·kW)·P flops per sample plus O(C_in·kH·kW·P) copying. A 1×1,
/// stride-1, unpadded convolution skips im2col: the sample itself is its column matrix.
///
/// One GEMM per sample rather than one over the batch: the per-sample output block C_out × P is already
/// the NCHW row and the column matrix stays in cache, whereas a batched GEMM produces C_out × (n·P),
/// needs transposes and streams a column matrix of tens of MB; measured 15–30% slower on ResNet-20's
/// shapes. oneDNN's convolutions are ~3.2× faster than either in Float (benchmarks/conv-backend/README.md),
/// so Float convolution nodes run ``OneDNNConvolution`` (see ``ConvolutionBackend``); this kernel runs Double
/// and Float with `ORBIT_CONV_BACKEND=im2col`.
///
/// Scratch (one column matrix) is allocated once in `init`; the per-batch calls allocate nothing.
/// Not thread-safe: one kernel per thread (part of a split minibatch).
public final class Conv2dKernel<Scalar: BLASScalar> {
    public let geometry: Conv2dGeometry
    /// The largest `rows` the per-batch calls accept.
    public let capacity: Int
    private let columns: AlignedBuffer<Scalar>
    private let ones: AlignedBuffer<Scalar>

    public init(geometry: Conv2dGeometry, capacity: Int) {
        precondition(capacity > 0, "Conv2dKernel: capacity must be positive")
        self.geometry = geometry
        self.capacity = capacity
        columns = AlignedBuffer(
            repeating: 0, count: geometry.isPointwise ? 1 : geometry.patchSize * geometry.outputPositions)
        ones = AlignedBuffer(repeating: 1, count: geometry.outputPositions)
    }

    /// The column matrix of sample `sample` as a view (the sample itself when pointwise).
    private func columnMatrix(_ sample: UnsafePointer<Scalar>) -> MatrixView<Scalar> {
        let g = geometry
        if g.isPointwise { return MatrixView(baseAddress: sample, rows: g.inChannels, columns: g.outputPositions) }
        Im2col.im2col(g, input: sample, columns: columns.baseAddress)
        return MatrixView(
            baseAddress: UnsafePointer(columns.baseAddress), rows: g.patchSize, columns: g.outputPositions)
    }

    /// output[n] ← W ⋆ input[n] + bias (per output channel) for `rows` samples.
    ///
    /// - Parameters:
    ///   - input: rows × (C_in·H·W), NCHW per row.
    ///   - weight: (C_out, C_in, kH, kW).
    ///   - bias: C_out values, or nil for none.
    ///   - output: rows × (C_out·H_out·W_out), overwritten.
    public func forward(
        rows: Int, input: UnsafePointer<Scalar>, weight: UnsafePointer<Scalar>, bias: UnsafePointer<Scalar>?,
        output: UnsafeMutablePointer<Scalar>
    ) {
        precondition(rows >= 0 && rows <= capacity, "Conv2dKernel.forward: \(rows) rows, capacity \(capacity)")
        let g = geometry
        let w = MatrixView(baseAddress: weight, rows: g.outChannels, columns: g.patchSize)
        let positions = g.outputPositions
        for n in 0..<rows {
            let y = output + n * g.outputSize
            let result = MutableMatrixView(baseAddress: y, rows: g.outChannels, columns: positions)
            if let bias {
                // y = b·1ᵀ first, then the GEMM accumulates onto it (β = 1): one pass fewer than adding after.
                KernelMemory.broadcast(bias, planes: g.outChannels, length: positions, into: y)
            }
            gemm(w, columnMatrix(input + n * g.inputSize), into: result, beta: bias == nil ? 0 : 1)
        }
    }

    /// inputGradient[n] ← (or += when `accumulate`) col2im(Wᵀ·outputGradient[n]).
    ///
    /// - Parameters:
    ///   - outputGradient: rows × (C_out·H_out·W_out).
    ///   - weight: (C_out, C_in, kH, kW).
    ///   - inputGradient: rows × (C_in·H·W).
    public func backwardInput(
        rows: Int, outputGradient: UnsafePointer<Scalar>, weight: UnsafePointer<Scalar>,
        inputGradient: UnsafeMutablePointer<Scalar>, accumulate: Bool
    ) {
        precondition(rows >= 0 && rows <= capacity, "Conv2dKernel.backwardInput: \(rows) rows, capacity \(capacity)")
        let g = geometry
        let w = MatrixView(baseAddress: weight, rows: g.outChannels, columns: g.patchSize)
        let positions = g.outputPositions
        for n in 0..<rows {
            let dy = MatrixView(baseAddress: outputGradient + n * g.outputSize, rows: g.outChannels, columns: positions)
            let dx = inputGradient + n * g.inputSize
            if g.isPointwise {
                let target = MutableMatrixView(baseAddress: dx, rows: g.inChannels, columns: positions)
                gemm(w, dy, into: target, transposeA: .transposed, beta: accumulate ? 1 : 0)
            } else {
                let target = MutableMatrixView(baseAddress: columns.baseAddress, rows: g.patchSize, columns: positions)
                gemm(w, dy, into: target, transposeA: .transposed)
                Im2col.col2im(g, columns: UnsafePointer(columns.baseAddress), input: dx, accumulate: accumulate)
            }
        }
    }

    /// weightGradient ← Σₙ dyₙ·im2col(xₙ)ᵀ and biasGradient ← Σₙ dyₙ·1 (both overwritten) over `rows` samples.
    ///
    /// With rows = 0 both are set to zero.
    public func backwardWeight(
        rows: Int, input: UnsafePointer<Scalar>, outputGradient: UnsafePointer<Scalar>,
        weightGradient: UnsafeMutablePointer<Scalar>, biasGradient: UnsafeMutablePointer<Scalar>?
    ) {
        precondition(rows >= 0 && rows <= capacity, "Conv2dKernel.backwardWeight: \(rows) rows, capacity \(capacity)")
        let g = geometry
        let positions = g.outputPositions
        let dw = MutableMatrixView(baseAddress: weightGradient, rows: g.outChannels, columns: g.patchSize)
        if rows == 0 { KernelMemory.zero(weightGradient, count: g.weightCount) }
        if rows == 0, let biasGradient { KernelMemory.zero(biasGradient, count: g.outChannels) }
        let onesVector = UnsafeBufferPointer(start: UnsafePointer(ones.baseAddress), count: positions)
        for n in 0..<rows {
            let dy = MatrixView(baseAddress: outputGradient + n * g.outputSize, rows: g.outChannels, columns: positions)
            let beta: Scalar = n == 0 ? 0 : 1
            gemm(dy, columnMatrix(input + n * g.inputSize), into: dw, transposeB: .transposed, beta: beta)
            if let biasGradient {
                let db = UnsafeMutableBufferPointer(start: biasGradient, count: g.outChannels)
                gemv(dy, onesVector, into: db, beta: beta)
            }
        }
    }
}
