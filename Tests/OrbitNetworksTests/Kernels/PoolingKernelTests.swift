import Testing

@testable import OrbitNetworks
@testable import OrbitNumerics

/// Max, average and global average pooling: forward against hand values and definition loops,
/// backward against central differences in Double.
@Suite struct PoolingKernelTests {
    typealias Support = KernelTestSupport

    static func maxPool(_ g: Pool2dGeometry, rows: Int, _ x: [Double]) -> [Double] {
        let kernel = MaxPool2dKernel<Double>(geometry: g, capacity: max(rows, 1))
        var y = [Double](repeating: .nan, count: rows * g.outputSize)
        withPointers(&y) { kernel.forward(rows: rows, input: x, output: $0) }
        return y
    }

    static func avgPool(_ g: Pool2dGeometry, rows: Int, _ x: [Double]) -> [Double] {
        var y = [Double](repeating: .nan, count: rows * g.outputSize)
        withPointers(&y) { AvgPool2dKernel<Double>(geometry: g).forward(rows: rows, input: x, output: $0) }
        return y
    }

    /// The definition: window of output (p, q) = rows p·s − pad ..< +k, columns likewise, clipped to
    /// the input; max over it, or its sum divided by kH·kW (count_include_pad).
    static func reference(_ g: Pool2dGeometry, rows: Int, _ x: [Double], max useMax: Bool) -> [Double] {
        var y: [Double] = []
        for n in 0..<rows {
            for c in 0..<g.channels {
                for p in 0..<g.outHeight {
                    for q in 0..<g.outWidth {
                        var window: [Double] = []
                        for i in 0..<g.kernelHeight {
                            for j in 0..<g.kernelWidth {
                                let h = p * g.strideHeight - g.paddingHeight + i
                                let w = q * g.strideWidth - g.paddingWidth + j
                                if h >= 0, h < g.height, w >= 0, w < g.width {
                                    window.append(x[n * g.inputSize + (c * g.height + h) * g.width + w])
                                }
                            }
                        }
                        y.append(
                            useMax ? window.max()! : window.reduce(0, +) / Double(g.kernelHeight * g.kernelWidth))
                    }
                }
            }
        }
        return y
    }

    static let geometries: [Pool2dGeometry] = [
        Pool2dGeometry(channels: 2, height: 4, width: 6, kernel: 2),
        Pool2dGeometry(channels: 2, height: 5, width: 7, kernel: 3, stride: 2, padding: 1),
        Pool2dGeometry(
            channels: 1, height: 5, width: 4, kernelHeight: 3, kernelWidth: 2, strideHeight: 1, strideWidth: 2,
            paddingHeight: 1, paddingWidth: 1),
    ]

    @Test func maxPoolHandValues() {
        // 4×4 input, 2×2 windows stride 2: maxima 9 (index 5), 6 (index 7), 9 (index 12), 9 (index 14).
        let x: [Double] = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3]
        let g = Pool2dGeometry(channels: 1, height: 4, width: 4, kernel: 2)
        let kernel = MaxPool2dKernel<Double>(geometry: g, capacity: 1)
        var y = [Double](repeating: .nan, count: 4)
        withPointers(&y) { kernel.forward(rows: 1, input: x, output: $0) }
        #expect(y == [9, 6, 9, 9])
        var dx = [Double](repeating: .nan, count: 16)
        withPointers(&dx) {
            kernel.backward(rows: 1, outputGradient: [1, 2, 3, 4], inputGradient: $0, accumulate: false)
        }
        #expect(dx == [0, 0, 0, 0, 0, 1, 0, 2, 0, 0, 0, 0, 3, 0, 4, 0])
        withPointers(&dx) {
            kernel.backward(rows: 1, outputGradient: [1, 1, 1, 1], inputGradient: $0, accumulate: true)
        }
        #expect(dx == [0, 0, 0, 0, 0, 2, 0, 3, 0, 0, 0, 0, 4, 0, 5, 0])
    }

    @Test func avgPoolHandValues() {
        // [1 2; 3 4], 2×2 windows, stride 1, padding 1, divisor always 4 (count_include_pad = True).
        let g = Pool2dGeometry(channels: 1, height: 2, width: 2, kernel: 2, stride: 1, padding: 1)
        let y = Self.avgPool(g, rows: 1, [1, 2, 3, 4])
        #expect(y == [0.25, 0.75, 0.5, 1, 2.5, 1.5, 0.75, 1.75, 1])
        var dx = [Double](repeating: .nan, count: 4)
        withPointers(&dx) {
            AvgPool2dKernel<Double>(geometry: g).backward(
                rows: 1, outputGradient: [Double](repeating: 4, count: 9), inputGradient: $0, accumulate: false)
        }
        // Every input lies in 4 of the 9 windows: 4·(4/4).
        #expect(dx == [4, 4, 4, 4])
    }

    @Test func globalAveragePoolHandValues() {
        let kernel = GlobalAveragePoolKernel<Double>(channels: 2, spatial: 3)
        var y = [Double](repeating: .nan, count: 4)
        withPointers(&y) { kernel.forward(rows: 2, input: [1, 2, 3, 0, 0, 6, -3, 3, 9, 1, 1, 1], output: $0) }
        #expect(y == [2, 2, 3, 1])
        var dx = [Double](repeating: 1, count: 12)
        withPointers(&dx) {
            kernel.backward(rows: 2, outputGradient: [3, 6, -3, 0], inputGradient: $0, accumulate: true)
        }
        #expect(dx == [2, 2, 2, 3, 3, 3, 0, 0, 0, 1, 1, 1])
    }

    @Test(arguments: geometries)
    func forwardMatchesDefinition(_ g: Pool2dGeometry) {
        let x = Support.values(3 * g.inputSize, seed: 21)
        #expect(Self.maxPool(g, rows: 3, x) == Self.reference(g, rows: 3, x, max: true))
        Support.expectClose(
            Self.avgPool(g, rows: 3, x), Self.reference(g, rows: 3, x, max: false), tolerance: 1e-15, "avg")
        // Float through its own dispatch path.
        let xf = x.map(Float.init)
        var y = [Float](repeating: .nan, count: 3 * g.outputSize)
        let floatKernel = MaxPool2dKernel<Float>(geometry: g, capacity: 3)
        withPointers(&y) { floatKernel.forward(rows: 3, input: xf, output: $0) }
        #expect(y.map(Double.init) == Self.reference(g, rows: 3, xf.map(Double.init), max: true))
        // Float backward scatters to the same places as Double's.
        let doubleKernel = MaxPool2dKernel<Double>(geometry: g, capacity: 3)
        var yd = [Double](repeating: .nan, count: 3 * g.outputSize)
        withPointers(&yd) { doubleKernel.forward(rows: 3, input: x, output: $0) }
        let dy = (0..<yd.count).map { Double($0 + 1) }
        var dxf = [Float](repeating: .nan, count: x.count)
        var dxd = [Double](repeating: .nan, count: x.count)
        let dyf = dy.map(Float.init)
        withPointers(&dxf) { floatKernel.backward(rows: 3, outputGradient: dyf, inputGradient: $0, accumulate: false) }
        withPointers(&dxd) { doubleKernel.backward(rows: 3, outputGradient: dy, inputGradient: $0, accumulate: false) }
        #expect(dxf.map(Double.init) == dxd)
        withPointers(&y) { AvgPool2dKernel<Float>(geometry: g).forward(rows: 3, input: xf, output: $0) }
        Support.expectClose(
            y.map(Double.init), Self.reference(g, rows: 3, x, max: false), tolerance: 1e-6, "avg Float")
    }

    @Test(arguments: geometries)
    func backwardMatchesFiniteDifferences(_ g: Pool2dGeometry) {
        let rows = 2
        // Distinct values (a permutation of a grid) so that every max is isolated by more than the step.
        let x = Support.values(rows * g.inputSize, seed: 22).enumerated().map {
            Double($0.offset) * 0.01 + $0.element * 1e-3
        }
        let dy = Support.values(rows * g.outputSize, seed: 23)
        let maxKernel = MaxPool2dKernel<Double>(geometry: g, capacity: rows)
        var dx = [Double](repeating: .nan, count: x.count)
        var y = [Double](repeating: .nan, count: rows * g.outputSize)
        withPointers(&y) { maxKernel.forward(rows: rows, input: x, output: $0) }
        withPointers(&dx) { maxKernel.backward(rows: rows, outputGradient: dy, inputGradient: $0, accumulate: false) }
        Support.expectClose(
            dx, Support.numericalGradient(x) { Support.inner(Self.maxPool(g, rows: rows, $0), dy) }, tolerance: 1e-8,
            "max dx")
        withPointers(&dx) {
            AvgPool2dKernel<Double>(geometry: g).backward(
                rows: rows, outputGradient: dy, inputGradient: $0, accumulate: false)
        }
        Support.expectClose(
            dx, Support.numericalGradient(x) { Support.inner(Self.avgPool(g, rows: rows, $0), dy) }, tolerance: 1e-8,
            "avg dx")
    }

    @Test func globalAveragePoolBackwardMatchesFiniteDifferences() {
        let kernel = GlobalAveragePoolKernel<Double>(channels: 3, spatial: 5)
        let x = Support.values(2 * 15, seed: 24)
        let dy = Support.values(2 * 3, seed: 25)
        let forward = { (x: [Double]) -> [Double] in
            var y = [Double](repeating: .nan, count: 6)
            withPointers(&y) { kernel.forward(rows: 2, input: x, output: $0) }
            return y
        }
        var dx = [Double](repeating: .nan, count: 30)
        withPointers(&dx) { kernel.backward(rows: 2, outputGradient: dy, inputGradient: $0, accumulate: false) }
        Support.expectClose(
            dx, Support.numericalGradient(x) { Support.inner(forward($0), dy) }, tolerance: 1e-9, "gap dx")
    }
}
