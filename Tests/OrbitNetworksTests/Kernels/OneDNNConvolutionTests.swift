import Testing

@testable import OrbitNetworks
@testable import OrbitNumerics

/// The oneDNN convolution (Float) against ``Conv2dKernel`` in Float — forward with and without bias,
/// backward data written and accumulated, backward weights and bias — on the shapes of
/// ``ConvolutionKernelTests`` (strided, padded, 1×1, non-square), at 1, 5 and capacity rows, within 1e-4
/// relative; its batch-size and thread-count cache; and a Float network through it against the same
/// network in Double (im2col).
@Suite(.enabled(if: ConvolutionBackend.isOneDNNAvailable, "oneDNN is not built in"))
struct OneDNNConvolutionTests {
    typealias Support = KernelTestSupport
    static let capacity = 8

    /// The two kernels of one geometry, and seeded Float operands for `capacity` rows.
    struct Case {
        let g: Conv2dGeometry
        let oneDNN: any FloatConvolution
        let oneDNNWithoutBias: any FloatConvolution
        let reference: Conv2dKernel<Float>
        let x, w, b, dy: [Float]

        init(_ g: Conv2dGeometry, seed: UInt64) {
            self.g = g
            oneDNN = ConvolutionBackend.floatKernel(
                geometry: g, capacity: OneDNNConvolutionTests.capacity, bias: true, inference: false, backend: .oneDNN)!
            oneDNNWithoutBias = ConvolutionBackend.floatKernel(
                geometry: g, capacity: OneDNNConvolutionTests.capacity, bias: false, inference: false,
                backend: .oneDNN)!
            reference = Conv2dKernel<Float>(geometry: g, capacity: OneDNNConvolutionTests.capacity)
            let n = OneDNNConvolutionTests.capacity
            x = Support.values(n * g.inputSize, seed: seed).map(Float.init)
            w = Support.values(g.weightCount, seed: seed + 1).map(Float.init)
            b = Support.values(g.outChannels, seed: seed + 2).map(Float.init)
            dy = Support.values(n * g.outputSize, seed: seed + 3).map(Float.init)
        }
    }

    static func close(
        _ a: [Float], _ b: [Float], _ what: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        Support.expectClose(
            a.map(Double.init), b.map(Double.init), tolerance: 1e-4, what, sourceLocation: sourceLocation)
    }

    @Test(arguments: ConvolutionKernelTests.geometries)
    func forwardMatchesIm2col(_ g: Conv2dGeometry) {
        let c = Case(g, seed: 20)
        for rows in [1, 5, Self.capacity] {
            var y = [Float](repeating: .nan, count: rows * g.outputSize)
            var expected = y
            withPointers(&y) { c.oneDNN.forward(rows: rows, input: c.x, weight: c.w, bias: c.b, output: $0) }
            withPointers(&expected) { c.reference.forward(rows: rows, input: c.x, weight: c.w, bias: c.b, output: $0) }
            Self.close(y, expected, "\(g), \(rows) rows, with bias")
            withPointers(&y) { c.oneDNNWithoutBias.forward(rows: rows, input: c.x, weight: c.w, bias: nil, output: $0) }
            withPointers(&expected) {
                c.reference.forward(rows: rows, input: c.x, weight: c.w, bias: nil, output: $0)
            }
            Self.close(y, expected, "\(g), \(rows) rows, no bias")
        }
    }

    @Test(arguments: ConvolutionKernelTests.geometries)
    func backwardDataMatchesIm2col(_ g: Conv2dGeometry) {
        let c = Case(g, seed: 30)
        let prior = Support.values(Self.capacity * g.inputSize, seed: 35).map(Float.init)
        for rows in [1, 5, Self.capacity] {
            for accumulate in [false, true] {
                var dx = accumulate ? prior : [Float](repeating: .nan, count: prior.count)
                var expected = dx
                withPointers(&dx) {
                    c.oneDNN.backwardInput(
                        rows: rows, outputGradient: c.dy, weight: c.w, inputGradient: $0, accumulate: accumulate)
                }
                withPointers(&expected) {
                    c.reference.backwardInput(
                        rows: rows, outputGradient: c.dy, weight: c.w, inputGradient: $0, accumulate: accumulate)
                }
                let n = rows * g.inputSize
                Self.close(Array(dx[..<n]), Array(expected[..<n]), "\(g), \(rows) rows, accumulate \(accumulate)")
                // Rows past `rows` are not touched.
                if accumulate { #expect(Array(dx[n...]) == Array(prior[n...])) }
            }
        }
    }

    @Test(arguments: ConvolutionKernelTests.geometries)
    func backwardWeightsMatchIm2col(_ g: Conv2dGeometry) {
        let c = Case(g, seed: 40)
        for rows in [1, 5, Self.capacity] {
            var (dw, db) = (
                [Float](repeating: .nan, count: g.weightCount), [Float](repeating: .nan, count: g.outChannels)
            )
            var (expectedW, expectedB) = (dw, db)
            dw.withUnsafeMutableBufferPointer { w in
                withPointers(&db) {
                    c.oneDNN.backwardWeight(
                        rows: rows, input: c.x, outputGradient: c.dy, weightGradient: w.baseAddress!, biasGradient: $0)
                }
            }
            expectedW.withUnsafeMutableBufferPointer { w in
                withPointers(&expectedB) {
                    c.reference.backwardWeight(
                        rows: rows, input: c.x, outputGradient: c.dy, weightGradient: w.baseAddress!, biasGradient: $0)
                }
            }
            Self.close(dw, expectedW, "\(g), \(rows) rows, dW")
            Self.close(db, expectedB, "\(g), \(rows) rows, db")
            var dwOnly = [Float](repeating: .nan, count: g.weightCount)
            withPointers(&dwOnly) {
                c.oneDNNWithoutBias.backwardWeight(
                    rows: rows, input: c.x, outputGradient: c.dy, weightGradient: $0, biasGradient: nil)
            }
            Self.close(dwOnly, expectedW, "\(g), \(rows) rows, dW without bias")
        }
    }

    /// More batch sizes than the cache holds, revisited, inside and outside single-threaded BLAS (two
    /// thread counts when the machine has two cores): every call still equals im2col, and zero rows
    /// give zero weight gradients and leave the outputs alone.
    @Test func batchSizeAndThreadCacheAndZeroRows() {
        let c = Case(ConvolutionKernelTests.geometries[0], seed: 50)
        let g = c.g
        for single in [false, true] {
            for rows in [1, 2, 3, 4, 5, 6, 1, 8, 2] {
                var y = [Float](repeating: .nan, count: rows * g.outputSize)
                var expected = y
                Threading.withSingleThreadedBLAS(when: single) {
                    withPointers(&y) { c.oneDNN.forward(rows: rows, input: c.x, weight: c.w, bias: c.b, output: $0) }
                }
                withPointers(&expected) {
                    c.reference.forward(rows: rows, input: c.x, weight: c.w, bias: c.b, output: $0)
                }
                Self.close(y, expected, "\(rows) rows, single-threaded \(single)")
            }
        }
        var y: [Float] = [7]
        withPointers(&y) { c.oneDNN.forward(rows: 0, input: c.x, weight: c.w, bias: c.b, output: $0) }
        #expect(y == [7])
        var dw = [Float](repeating: .nan, count: g.weightCount)
        var db = [Float](repeating: .nan, count: g.outChannels)
        dw.withUnsafeMutableBufferPointer { w in
            withPointers(&db) {
                c.oneDNN.backwardWeight(
                    rows: 0, input: c.x, outputGradient: c.dy, weightGradient: w.baseAddress!, biasGradient: $0)
            }
        }
        #expect(dw.allSatisfy { $0 == 0 } && db.allSatisfy { $0 == 0 })
    }

    /// The selection: Float convolution nodes run oneDNN unless im2col is asked for; Double runs im2col.
    @Test func operatorsChooseTheBackend() throws {
        let g = ConvolutionKernelTests.geometries[2]
        #expect(
            ConvolutionBackend.floatKernel(geometry: g, capacity: 2, bias: true, inference: false, backend: .im2col)
                == nil)
        let network = try GraphGradientTests.network()
        func convolutions<S: BLASScalar>(_ ws: NetworkWorkspace<S>) -> [Conv2dOperator<S>] {
            ws.operators.compactMap { $0 as? Conv2dOperator<S> }
        }
        let float = convolutions(NetworkWorkspace<Float>(network: network, capacity: 4))
        let double = convolutions(NetworkWorkspace<Double>(network: network, capacity: 4))
        #expect(float.count == 3 && double.count == 3)
        #expect(float.allSatisfy { ($0.floatKernel != nil) == (ConvolutionBackend.selected == .oneDNN) })
        #expect(double.allSatisfy { $0.floatKernel == nil && $0.kernel != nil })
    }

    /// GraphGradientTests' network (strided, padded, biased and unbiased, 1×1 stride-2 convolutions
    /// between BatchNorm, LayerNorm, pooling and Add) in Float through the selected backend against the
    /// same network in Double through im2col: outputs, ∂L/∂θ and ∂L/∂x in training mode, within 1e-4
    /// relative to the largest entry (Float's rounding over a dozen layers).
    @Test func floatNetworkMatchesDouble() throws {
        let network = try GraphGradientTests.network()
        var g = SeededGenerator(seed: 9)
        let theta: ParameterVector<Double> = network.initialParameters(.pytorch, seed: 4)
        let b = 6
        let x = Matrix<Double>.normal(rows: b, columns: network.inputSize, generator: &g)
        let y: [Int32] = [0, 2, 1, 1, 0, 2]
        func run<S: BLASScalar>(_: S.Type) -> (output: [Double], gradient: [Double], input: [Double]) {
            let ws = NetworkWorkspace<S>(network: network, capacity: b)
            let xs: Matrix<S> = x.converted()
            let output = xs.withView { values(ws.forward(theta.converted(), inputs: $0)) }
            _ = xs.withView { xv in
                y.withUnsafeBufferPointer {
                    ws.lossAndGradient(
                        theta.converted(), inputs: xv, targets: .classes($0), loss: .softmaxCrossEntropy,
                        inputGradient: true)
                }
            }
            let input = (0..<b).flatMap { Array(ws.inputGradientView.row($0)) }
            return (output.map { Double($0) }, ws.gradient.flat.map { Double($0) }, input.map { Double($0) })
        }
        let (single, double) = (run(Float.self), run(Double.self))
        for (a, e, what) in [
            (single.output, double.output, "outputs"), (single.gradient, double.gradient, "∂L/∂θ"),
            (single.input, double.input, "∂L/∂x"),
        ] {
            let scale = e.map(abs).max()!
            let worst = zip(a, e).map { abs($0 - $1) }.max()! / scale
            #expect(worst <= 1e-4, "\(what): worst error \(worst) relative to the largest entry \(scale)")
        }
    }
}
