import OrbitNumerics

/// 2-D average pooling with PyTorch `AvgPool2d`'s defaults (count_include_pad = True,
/// ceil_mode = False): y[c, p, q] = (1 / (kH·kW))·Σ_window x[c], padded positions counting as zeros
/// in the sum and in the divisor (with ceil_mode = False every window lies inside the padded input,
/// so the divisor is always kH·kW). Backward: dx[c, h, w] = Σ over the windows containing (h, w) of
/// dy / (kH·kW). Both O(rows·C·H_out·W_out·kH·kW); no scratch.
public final class AvgPool2dKernel<Scalar: BLASScalar> {
    public let geometry: Pool2dGeometry

    public init(geometry: Pool2dGeometry) {
        self.geometry = geometry
    }

    /// output ← avgpool(input), rows × (C·H_out·W_out).
    public func forward(rows: Int, input: UnsafePointer<Scalar>, output: UnsafeMutablePointer<Scalar>) {
        switch Precision(Scalar.self) {
        case .float:
            Self.forwardKernel(
                geometry, rows, input.reinterpreted(as: Float.self), output.reinterpreted(as: Float.self))
        case .double:
            Self.forwardKernel(
                geometry, rows, input.reinterpreted(as: Double.self), output.reinterpreted(as: Double.self))
        case .other: Self.forwardKernel(geometry, rows, input, output)
        }
    }

    /// inputGradient ← (or += when `accumulate`) avgpoolᵀ(outputGradient).
    public func backward(
        rows: Int, outputGradient: UnsafePointer<Scalar>, inputGradient: UnsafeMutablePointer<Scalar>,
        accumulate: Bool
    ) {
        if !accumulate { KernelMemory.zero(inputGradient, count: rows * geometry.inputSize) }
        switch Precision(Scalar.self) {
        case .float:
            Self.backwardKernel(
                geometry, rows, outputGradient.reinterpreted(as: Float.self),
                inputGradient.reinterpreted(as: Float.self))
        case .double:
            Self.backwardKernel(
                geometry, rows, outputGradient.reinterpreted(as: Double.self),
                inputGradient.reinterpreted(as: Double.self))
        case .other: Self.backwardKernel(geometry, rows, outputGradient, inputGradient)
        }
    }

    @inline(__always)
    private static func forwardKernel<T: BLASScalar>(
        _ g: Pool2dGeometry, _ rows: Int, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>
    ) {
        let scale = 1 / T(g.kernelHeight * g.kernelWidth)
        let plane = g.height * g.width
        var k = 0
        for n in 0..<rows {
            let sample = x + n * g.inputSize
            for c in 0..<g.channels {
                let xc = sample + c * plane
                for p in 0..<g.outHeight {
                    let (h0, h1) = g.rowWindow(p)
                    for q in 0..<g.outWidth {
                        let (w0, w1) = g.columnWindow(q)
                        var sum: T = 0
                        for h in h0..<h1 {
                            for w in w0..<w1 { sum += xc[h * g.width + w] }
                        }
                        y[k] = sum * scale
                        k += 1
                    }
                }
            }
        }
    }

    @inline(__always)
    private static func backwardKernel<T: BLASScalar>(
        _ g: Pool2dGeometry, _ rows: Int, _ dy: UnsafePointer<T>, _ dx: UnsafeMutablePointer<T>
    ) {
        let scale = 1 / T(g.kernelHeight * g.kernelWidth)
        let plane = g.height * g.width
        var k = 0
        for n in 0..<rows {
            let sample = dx + n * g.inputSize
            for c in 0..<g.channels {
                let dxc = sample + c * plane
                for p in 0..<g.outHeight {
                    let (h0, h1) = g.rowWindow(p)
                    for q in 0..<g.outWidth {
                        let (w0, w1) = g.columnWindow(q)
                        let v = dy[k] * scale
                        for h in h0..<h1 {
                            for w in w0..<w1 { dxc[h * g.width + w] += v }
                        }
                        k += 1
                    }
                }
            }
        }
    }
}
