import Testing

@testable import OrbitNetworks
@testable import OrbitNumerics

/// Conv2dKernel: forward against hand values and a direct definition loop; input, weight and bias
/// gradients against central differences in Double; the adjoint identity ⟨conv(x), g⟩ = ⟨x, convᵀ(g)⟩.
@Suite struct ConvolutionKernelTests {
    typealias Support = KernelTestSupport

    /// y[n, o, p, q] = b[o] + Σ_{c,i,j} w[o, c, i, j]·x[n, c, p·s_h − pad_h + i, q·s_w − pad_w + j] (0 outside).
    static func reference(_ g: Conv2dGeometry, rows: Int, x: [Double], w: [Double], b: [Double]?) -> [Double] {
        var y = [Double](repeating: 0, count: rows * g.outputSize)
        for n in 0..<rows {
            for o in 0..<g.outChannels {
                for p in 0..<g.outHeight {
                    for q in 0..<g.outWidth {
                        var sum = b?[o] ?? 0
                        for c in 0..<g.inChannels {
                            for i in 0..<g.kernelHeight {
                                for j in 0..<g.kernelWidth {
                                    let h = p * g.strideHeight - g.paddingHeight + i
                                    let v = q * g.strideWidth - g.paddingWidth + j
                                    guard h >= 0, h < g.height, v >= 0, v < g.width else { continue }
                                    let xi = n * g.inputSize + (c * g.height + h) * g.width + v
                                    let wi = ((o * g.inChannels + c) * g.kernelHeight + i) * g.kernelWidth + j
                                    sum += w[wi] * x[xi]
                                }
                            }
                        }
                        y[n * g.outputSize + (o * g.outHeight + p) * g.outWidth + q] = sum
                    }
                }
            }
        }
        return y
    }

    static func forward(_ g: Conv2dGeometry, rows: Int, x: [Double], w: [Double], b: [Double]?) -> [Double] {
        let kernel = Conv2dKernel<Double>(geometry: g, capacity: max(rows, 1))
        var y = [Double](repeating: .nan, count: rows * g.outputSize)
        y.withUnsafeMutableBufferPointer { out in
            if let b {
                kernel.forward(rows: rows, input: x, weight: w, bias: b, output: out.baseAddress!)
            } else {
                kernel.forward(rows: rows, input: x, weight: w, bias: nil, output: out.baseAddress!)
            }
        }
        return y
    }

    static let geometries: [Conv2dGeometry] = [
        // Stride 2, padding 1, non-square input and kernel.
        Conv2dGeometry(
            inChannels: 2, height: 5, width: 7, outChannels: 3, kernelHeight: 3, kernelWidth: 2, strideHeight: 2,
            strideWidth: 2, paddingHeight: 1, paddingWidth: 1),
        // Mixed strides and paddings.
        Conv2dGeometry(
            inChannels: 3, height: 6, width: 4, outChannels: 2, kernelHeight: 3, kernelWidth: 3, strideHeight: 1,
            strideWidth: 2, paddingHeight: 2, paddingWidth: 1),
        // ResNet's 3×3 pad 1.
        Conv2dGeometry(
            inChannels: 2, height: 4, width: 4, outChannels: 2, kernelHeight: 3, kernelWidth: 3, paddingHeight: 1,
            paddingWidth: 1),
        // Pointwise (no im2col) and the strided 1×1 projection shortcut (im2col).
        Conv2dGeometry(inChannels: 3, height: 3, width: 5, outChannels: 4, kernelHeight: 1, kernelWidth: 1),
        Conv2dGeometry(
            inChannels: 3, height: 5, width: 5, outChannels: 2, kernelHeight: 1, kernelWidth: 1, strideHeight: 2,
            strideWidth: 2),
    ]

    @Test func forwardMatchesHandValues() {
        // x = [1 2 3; 4 5 6], w = [1 2; 3 4], b = 0.5, stride 2, padding 1: the four windows see
        // {x00 at w11}, {x01 at w10, x02 at w11}, {x10 at w01}, {x11 at w00, x12 at w01}.
        let g = Conv2dGeometry(
            inChannels: 1, height: 2, width: 3, outChannels: 1, kernelHeight: 2, kernelWidth: 2, strideHeight: 2,
            strideWidth: 2, paddingHeight: 1, paddingWidth: 1)
        #expect(g.outHeight == 2 && g.outWidth == 2)
        let y = Self.forward(g, rows: 1, x: [1, 2, 3, 4, 5, 6], w: [1, 2, 3, 4], b: [0.5])
        #expect(y == [4.5, 18.5, 8.5, 17.5])
    }

    @Test(arguments: geometries)
    func forwardMatchesDefinition(_ g: Conv2dGeometry) {
        let rows = 3
        let x = Support.values(rows * g.inputSize, seed: 1)
        let w = Support.values(g.weightCount, seed: 2)
        let b = Support.values(g.outChannels, seed: 3)
        Support.expectClose(
            Self.forward(g, rows: rows, x: x, w: w, b: b), Self.reference(g, rows: rows, x: x, w: w, b: b),
            tolerance: 1e-14, "Double with bias")
        Support.expectClose(
            Self.forward(g, rows: rows, x: x, w: w, b: nil), Self.reference(g, rows: rows, x: x, w: w, b: nil),
            tolerance: 1e-14, "Double without bias")
        // Float through its own dispatch path.
        let kernel = Conv2dKernel<Float>(geometry: g, capacity: 4)
        var y = [Float](repeating: .nan, count: rows * g.outputSize)
        let (xf, wf, bf) = (x.map(Float.init), w.map(Float.init), b.map(Float.init))
        withPointers(&y) { kernel.forward(rows: rows, input: xf, weight: wf, bias: bf, output: $0) }
        Support.expectClose(
            y.map(Double.init), Self.reference(g, rows: rows, x: x, w: w, b: b), tolerance: 1e-5, "Float")
    }

    @Test(arguments: geometries)
    func gradientsMatchFiniteDifferences(_ g: Conv2dGeometry) {
        let rows = 2
        let x = Support.values(rows * g.inputSize, seed: 4)
        let w = Support.values(g.weightCount, seed: 5)
        let b = Support.values(g.outChannels, seed: 6)
        let dy = Support.values(rows * g.outputSize, seed: 7)
        let kernel = Conv2dKernel<Double>(geometry: g, capacity: rows)
        var dx = [Double](repeating: .nan, count: x.count)
        var dw = [Double](repeating: .nan, count: w.count)
        var db = [Double](repeating: .nan, count: b.count)
        withPointers(&dx) {
            kernel.backwardInput(rows: rows, outputGradient: dy, weight: w, inputGradient: $0, accumulate: false)
        }
        dw.withUnsafeMutableBufferPointer { dwp in
            withPointers(&db) {
                kernel.backwardWeight(
                    rows: rows, input: x, outputGradient: dy, weightGradient: dwp.baseAddress!, biasGradient: $0)
            }
        }
        let loss = { (x: [Double], w: [Double], b: [Double]) in
            Support.inner(Self.forward(g, rows: rows, x: x, w: w, b: b), dy)
        }
        Support.expectClose(dx, Support.numericalGradient(x) { loss($0, w, b) }, tolerance: 1e-8, "dx")
        Support.expectClose(dw, Support.numericalGradient(w) { loss(x, $0, b) }, tolerance: 1e-8, "dW")
        Support.expectClose(db, Support.numericalGradient(b) { loss(x, w, $0) }, tolerance: 1e-8, "db")

        // accumulate: adds onto what is there.
        var accumulated = [Double](repeating: 1, count: x.count)
        withPointers(&accumulated) {
            kernel.backwardInput(rows: rows, outputGradient: dy, weight: w, inputGradient: $0, accumulate: true)
        }
        Support.expectClose(accumulated, dx.map { $0 + 1 }, tolerance: 1e-14, "dx accumulated")
    }

    /// ⟨conv(x), g⟩ = ⟨x, convᵀ(g)⟩ (no bias) and ⟨conv_w(x), g⟩ = ⟨w, ∂_w⟩: both backward passes are
    /// the exact adjoints of the forward map, to rounding.
    @Test(arguments: geometries)
    func backwardIsTheAdjoint(_ g: Conv2dGeometry) {
        let rows = 3
        let x = Support.values(rows * g.inputSize, seed: 8)
        let w = Support.values(g.weightCount, seed: 9)
        let dy = Support.values(rows * g.outputSize, seed: 10)
        let kernel = Conv2dKernel<Double>(geometry: g, capacity: rows)
        var dx = [Double](repeating: .nan, count: x.count)
        var dw = [Double](repeating: .nan, count: w.count)
        withPointers(&dx) {
            kernel.backwardInput(rows: rows, outputGradient: dy, weight: w, inputGradient: $0, accumulate: false)
        }
        withPointers(&dw) {
            kernel.backwardWeight(rows: rows, input: x, outputGradient: dy, weightGradient: $0, biasGradient: nil)
        }
        let forward = Support.inner(Self.forward(g, rows: rows, x: x, w: w, b: nil), dy)
        #expect(abs(forward - Support.inner(x, dx)) <= 1e-12 * (1 + abs(forward)))
        #expect(abs(forward - Support.inner(w, dw)) <= 1e-12 * (1 + abs(forward)))
    }

    @Test func fewerRowsThanCapacityAndZeroRows() {
        let g = Self.geometries[0]
        let kernel = Conv2dKernel<Double>(geometry: g, capacity: 5)
        let x = Support.values(2 * g.inputSize, seed: 11)
        let w = Support.values(g.weightCount, seed: 12)
        var y = [Double](repeating: .nan, count: 2 * g.outputSize)
        withPointers(&y) { kernel.forward(rows: 2, input: x, weight: w, bias: nil, output: $0) }
        Support.expectClose(y, Self.reference(g, rows: 2, x: x, w: w, b: nil), tolerance: 1e-14, "2 of 5 rows")
        var dw = [Double](repeating: .nan, count: g.weightCount)
        var db = [Double](repeating: .nan, count: g.outChannels)
        dw.withUnsafeMutableBufferPointer { dwp in
            withPointers(&db) {
                kernel.backwardWeight(
                    rows: 0, input: x, outputGradient: y, weightGradient: dwp.baseAddress!, biasGradient: $0)
            }
        }
        #expect(dw.allSatisfy { $0 == 0 } && db.allSatisfy { $0 == 0 })
    }
}
