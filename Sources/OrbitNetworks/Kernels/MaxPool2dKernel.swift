import OrbitNumerics

/// 2-D max pooling (PyTorch `MaxPool2d`, ceil_mode = False): y[c, p, q] = max over the window of x[c]
/// (padding never wins: padded positions count as −∞). Forward records, per output, the flat index
/// within its sample of the element that won (the first maximum in row-major window order, as
/// PyTorch); backward adds dy to that element, so dx = Σ over the outputs it won. Both are
/// O(rows·C·H_out·W_out·kH·kW) and O(rows·C·H_out·W_out).
///
/// The Int32 index scratch (capacity × outputs) is allocated in `init`; the forward pass being
/// differentiated must be the last forward of this kernel. Not thread-safe.
public final class MaxPool2dKernel<Scalar: BLASScalar> {
    public let geometry: Pool2dGeometry
    public let capacity: Int
    private let indices: AlignedBuffer<Int32>

    public init(geometry: Pool2dGeometry, capacity: Int) {
        precondition(capacity > 0, "MaxPool2dKernel: capacity must be positive")
        precondition(geometry.inputSize <= Int(Int32.max), "MaxPool2dKernel: \(geometry) exceeds Int32 indices")
        self.geometry = geometry
        self.capacity = capacity
        indices = AlignedBuffer(repeating: 0, count: capacity * geometry.outputSize)
    }

    /// output ← maxpool(input), rows × (C·H_out·W_out); records the argmax of every output.
    public func forward(rows: Int, input: UnsafePointer<Scalar>, output: UnsafeMutablePointer<Scalar>) {
        precondition(rows >= 0 && rows <= capacity, "MaxPool2dKernel.forward: \(rows) rows, capacity \(capacity)")
        switch Precision(Scalar.self) {
        case .float:
            Self.forwardKernel(
                geometry, rows, input.reinterpreted(as: Float.self), output.reinterpreted(as: Float.self),
                indices.baseAddress)
        case .double:
            Self.forwardKernel(
                geometry, rows, input.reinterpreted(as: Double.self), output.reinterpreted(as: Double.self),
                indices.baseAddress)
        case .other: Self.forwardKernel(geometry, rows, input, output, indices.baseAddress)
        }
    }

    /// inputGradient ← (or += when `accumulate`) the scatter of outputGradient to the recorded argmaxes.
    public func backward(
        rows: Int, outputGradient: UnsafePointer<Scalar>, inputGradient: UnsafeMutablePointer<Scalar>,
        accumulate: Bool
    ) {
        precondition(rows >= 0 && rows <= capacity, "MaxPool2dKernel.backward: \(rows) rows, capacity \(capacity)")
        if !accumulate { KernelMemory.zero(inputGradient, count: rows * geometry.inputSize) }
        let index = UnsafePointer(indices.baseAddress)
        switch Precision(Scalar.self) {
        case .float:
            Self.backwardKernel(
                geometry, rows, outputGradient.reinterpreted(as: Float.self), index,
                inputGradient.reinterpreted(as: Float.self))
        case .double:
            Self.backwardKernel(
                geometry, rows, outputGradient.reinterpreted(as: Double.self), index,
                inputGradient.reinterpreted(as: Double.self))
        case .other: Self.backwardKernel(geometry, rows, outputGradient, index, inputGradient)
        }
    }

    /// output[k] ← input[argmax k] at the argmaxes the last ``forward(rows:input:output:)`` recorded:
    /// the R-operator of max pooling, R{y} = R{x} at the winning element (docs/math/curvature.md §7).
    /// O(rows·C·H_out·W_out).
    public func gather(rows: Int, input: UnsafePointer<Scalar>, output: UnsafeMutablePointer<Scalar>) {
        precondition(rows >= 0 && rows <= capacity, "MaxPool2dKernel.gather: \(rows) rows, capacity \(capacity)")
        let g = geometry
        for n in 0..<rows {
            let (x, y, index) = (
                input + n * g.inputSize, output + n * g.outputSize, indices.baseAddress + n * g.outputSize
            )
            for k in 0..<g.outputSize { y[k] = x[Int(index[k])] }
        }
    }

    @inline(__always)
    private static func backwardKernel<T: BLASScalar>(
        _ g: Pool2dGeometry, _ rows: Int, _ dy: UnsafePointer<T>, _ indices: UnsafePointer<Int32>,
        _ dx: UnsafeMutablePointer<T>
    ) {
        for n in 0..<rows {
            let (dyn, dxn, index) = (dy + n * g.outputSize, dx + n * g.inputSize, indices + n * g.outputSize)
            for k in 0..<g.outputSize { dxn[Int(index[k])] += dyn[k] }
        }
    }

    @inline(__always)
    private static func forwardKernel<T: BLASScalar>(
        _ g: Pool2dGeometry, _ rows: Int, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>,
        _ indices: UnsafeMutablePointer<Int32>
    ) {
        let (oh, ow, plane) = (g.outHeight, g.outWidth, g.height * g.width)
        var k = 0
        for n in 0..<rows {
            let sample = x + n * g.inputSize
            for c in 0..<g.channels {
                let base = c * plane
                for p in 0..<oh {
                    let (h0, h1) = g.rowWindow(p)
                    for q in 0..<ow {
                        let (w0, w1) = g.columnWindow(q)
                        var best = base + h0 * g.width + w0
                        var bestValue = sample[best]
                        for h in h0..<h1 {
                            for w in w0..<w1 {
                                let i = base + h * g.width + w
                                // `>` keeps the first maximum; `|| isNaN` propagates NaN as PyTorch does.
                                if sample[i] > bestValue || sample[i].isNaN && !bestValue.isNaN {
                                    best = i
                                    bestValue = sample[i]
                                }
                            }
                        }
                        y[k] = bestValue
                        indices[k] = Int32(truncatingIfNeeded: best)
                        k += 1
                    }
                }
            }
        }
    }
}
