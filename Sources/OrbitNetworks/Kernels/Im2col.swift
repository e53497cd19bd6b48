import OrbitNumerics

/// The column matrix of a convolution and its adjoint (Chellapilla et al. 2006, "High performance
/// convolutional neural networks for document processing").
///
/// im2col writes, for one sample x (C × H × W), the (C·kH·kW) × (H_out·W_out) matrix
/// col[(c·kH + i)·kW + j, p·W_out + q] = x[c, p·s_h − pad_h + i, q·s_w − pad_w + j] (0 outside the
/// input), so that the convolution is the GEMM W·col. col2im adds each column entry back to the input
/// position it was read from: it is im2colᵀ, which makes the input gradient colᵀ-shaped GEMM output
/// scattered by col2im. Both cost O(C·kH·kW·H_out·W_out), with the padding tests hoisted out of the
/// inner loop (only the valid output-column range is looped over).
public enum Im2col {
    public static func im2col<Scalar: BLASScalar>(
        _ g: Conv2dGeometry, input: UnsafePointer<Scalar>, columns: UnsafeMutablePointer<Scalar>
    ) {
        switch Precision(Scalar.self) {
        case .float: im2colKernel(g, input.reinterpreted(as: Float.self), columns.reinterpreted(as: Float.self))
        case .double: im2colKernel(g, input.reinterpreted(as: Double.self), columns.reinterpreted(as: Double.self))
        case .other: im2colKernel(g, input, columns)
        }
    }

    /// input ← input + col2im(columns) when `accumulate`, else input ← col2im(columns).
    static func col2im<Scalar: BLASScalar>(
        _ g: Conv2dGeometry, columns: UnsafePointer<Scalar>, input: UnsafeMutablePointer<Scalar>, accumulate: Bool
    ) {
        if !accumulate { KernelMemory.zero(input, count: g.inputSize) }
        switch Precision(Scalar.self) {
        case .float: col2imKernel(g, columns.reinterpreted(as: Float.self), input.reinterpreted(as: Float.self))
        case .double: col2imKernel(g, columns.reinterpreted(as: Double.self), input.reinterpreted(as: Double.self))
        case .other: col2imKernel(g, columns, input)
        }
    }

    /// The output columns q whose input column q·s − pad + j lies in [0, W): [lower, upper).
    @inline(__always)
    static func validRange(offset: Int, stride: Int, size: Int, outputs: Int) -> (Int, Int) {
        // q·stride + offset ≥ 0  ⇔  q ≥ ⌈−offset / stride⌉;  q·stride + offset < size  ⇔  q ≤ ⌊(size − 1 − offset) / stride⌋.
        let lower = offset >= 0 ? 0 : (-offset + stride - 1) / stride
        let last = size - 1 - offset
        let upper = last < 0 ? 0 : Swift.min(outputs, last / stride + 1)
        return (Swift.min(lower, upper), upper)
    }

    @inline(__always)
    private static func im2colKernel<Scalar: BLASScalar>(
        _ g: Conv2dGeometry, _ x: UnsafePointer<Scalar>, _ col: UnsafeMutablePointer<Scalar>
    ) {
        let (oh, ow, sh, sw) = (g.outHeight, g.outWidth, g.strideHeight, g.strideWidth)
        let plane = g.height * g.width
        var row = col
        for c in 0..<g.inChannels {
            let xc = x + c * plane
            for i in 0..<g.kernelHeight {
                let (pLow, pHigh) = validRange(offset: i - g.paddingHeight, stride: sh, size: g.height, outputs: oh)
                for j in 0..<g.kernelWidth {
                    let offset = j - g.paddingWidth
                    let (qLow, qHigh) = validRange(offset: offset, stride: sw, size: g.width, outputs: ow)
                    row.update(repeating: 0, count: pLow * ow)
                    for p in pLow..<pHigh {
                        let out = row + p * ow
                        let source = xc + (p * sh - g.paddingHeight + i) * g.width + offset
                        for q in 0..<qLow { out[q] = 0 }
                        if sw == 1 {
                            (out + qLow).update(from: source + qLow, count: qHigh - qLow)
                        } else {
                            for q in qLow..<qHigh { out[q] = source[q * sw] }
                        }
                        for q in qHigh..<ow { out[q] = 0 }
                    }
                    (row + pHigh * ow).update(repeating: 0, count: (oh - pHigh) * ow)
                    row += oh * ow
                }
            }
        }
    }

    @inline(__always)
    private static func col2imKernel<Scalar: BLASScalar>(
        _ g: Conv2dGeometry, _ col: UnsafePointer<Scalar>, _ x: UnsafeMutablePointer<Scalar>
    ) {
        let (oh, ow, sh, sw) = (g.outHeight, g.outWidth, g.strideHeight, g.strideWidth)
        let plane = g.height * g.width
        var row = col
        for c in 0..<g.inChannels {
            let xc = x + c * plane
            for i in 0..<g.kernelHeight {
                let (pLow, pHigh) = validRange(offset: i - g.paddingHeight, stride: sh, size: g.height, outputs: oh)
                for j in 0..<g.kernelWidth {
                    let offset = j - g.paddingWidth
                    let (qLow, qHigh) = validRange(offset: offset, stride: sw, size: g.width, outputs: ow)
                    for p in pLow..<pHigh {
                        let source = row + p * ow
                        let target = xc + (p * sh - g.paddingHeight + i) * g.width + offset
                        for q in qLow..<qHigh { target[q * sw] += source[q] }
                    }
                    row += oh * ow
                }
            }
        }
    }
}
