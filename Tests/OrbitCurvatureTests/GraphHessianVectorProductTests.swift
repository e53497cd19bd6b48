import OrbitCurvature
import OrbitData
import OrbitNetworks
import OrbitNumerics
import OrbitTraining
import Testing

/// Exact Hessian-vector products of layer graphs (``GraphHessianVectorWorkspace``) against central
/// finite differences of exact gradients in Float64 — a graph holding every layer kind, and ResNet-20
/// with BatchNorm, LayerNorm and no normalisation, VGG-11 with BatchNorm — with BatchNorm in evaluation
/// mode on both sides;
/// a tiny convolutional network's full Hessian against LAPACK; Float32 (oneDNN) against Float64.
@Suite struct GraphHessianVectorProductTests {
    /// 2×7×7 → conv s2 p1 → BN → tanh → conv(no bias) → LN → +(tanh) → maxpool k2 s1 → avgpool k2
    /// p1 → {GAP ; conv 1×1 s2 → flatten → linear (+ ½·GAP, fused)} → BN1d → gelu → linear → sigmoid
    /// (fused) → linear → 3: every kind, standalone and fused activations, a fused residual skip.
    static func everyKind() throws -> Network {
        func node(_ name: String, _ layer: LayerKind, _ inputs: [String]) -> NetworkNode {
            NetworkNode(name, layer, inputs: inputs)
        }
        return try Network(
            inputShape: [2, 7, 7],
            nodes: [
                node("c1", .conv2d(Conv2dLayer(outChannels: 4, kernel: 3, stride: 2, padding: 1)), ["input"]),
                node("bn", .batchNorm(BatchNormLayer()), ["c1"]),
                node("a1", .activation(ActivationLayer(.tanh)), ["bn"]),
                node("c2", .conv2d(Conv2dLayer(outChannels: 4, kernel: 3, stride: 1, padding: 1, bias: false)), ["a1"]),
                node("ln", .layerNorm(LayerNormLayer()), ["c2"]),
                node("sum", .add(AddLayer()), ["ln", "a1"]),
                node("mp", .pool2d(Pool2dLayer(.max, kernel: 2, stride: 1)), ["sum"]),
                node("ap", .pool2d(Pool2dLayer(.average, kernel: 2, stride: 1, padding: 1)), ["mp"]),
                node("gap", .globalAveragePool(GlobalAveragePoolLayer()), ["ap"]),
                node("proj", .conv2d(Conv2dLayer(outChannels: 3, kernel: 1, stride: 2)), ["ap"]),
                node("flat", .flatten(FlattenLayer()), ["proj"]),
                node("fc1", .linear(LinearLayer(outputs: 4)), ["flat"]),
                node("join", .add(AddLayer(scales: [1, 0.5])), ["fc1", "gap"]),
                node("bn1d", .batchNorm(BatchNormLayer()), ["join"]),
                node("a2", .activation(ActivationLayer(.gelu)), ["bn1d"]),
                node("fc2", .linear(LinearLayer(outputs: 5)), ["a2"]),
                node("a3", .activation(ActivationLayer(.sigmoid)), ["fc2"]),
                node("fc3", .linear(LinearLayer(outputs: 3)), ["a3"]),
            ])
    }

    /// Perturbed initial parameters whose running statistics are far from (0, 1): running variances
    /// in [0.5, ∞), so evaluation-mode BatchNorm is a non-trivial affine map.
    static func parameters(_ network: Network, seed: UInt64) -> ParameterVector<Double> {
        var theta = CurvatureFixtures.parameters(network, seed: seed)
        var g = SeededGenerator(seed: seed &+ 7)
        theta.withUnsafeMutableBufferPointer { p in
            for spec in network.layout.tensors where spec.name.hasSuffix("running_mean") {
                for i in spec.offset..<(spec.offset + spec.count) { p[i] = 0.3 * g.nextGaussian() }
            }
            for spec in network.layout.tensors where spec.name.hasSuffix("running_var") {
                for i in spec.offset..<(spec.offset + spec.count) { p[i] = 0.5 + abs(g.nextGaussian()) }
            }
        }
        return theta
    }

    /// ∇L(θ) over the whole split in one batch, BatchNorm in evaluation mode (the Hessian's convention).
    static func gradient(
        _ network: Network, _ theta: ParameterVector<Double>, _ split: DataSplit, _ loss: LossFunction
    ) -> ParameterVector<Double> {
        let ws = NetworkWorkspace<Double>(network: network, capacity: split.count)
        ws.isTraining = false
        let loader = BatchLoader<Double>(split: split, capacity: split.count)
        loader.load(0..<split.count)
        _ = loader.withTargets { ws.lossAndGradient(theta, inputs: loader.inputs, targets: $0, loss: loss) }
        return ws.gradient
    }

    /// The relative error of H·v against (∇L(θ + h·v) − ∇L(θ − h·v))/(2h), and ‖H·v‖.
    static func finiteDifferenceError(
        _ network: Network, samples: Int, loss: LossFunction, step h: Double, seed: UInt64
    ) throws -> (error: Double, norm: Double, product: ParameterVector<Double>) {
        let split = CurvatureFixtures.split(network: network, samples: samples, loss: loss, seed: seed)
        let theta = parameters(network, seed: seed &+ 1)
        let v = CurvatureFixtures.direction(network.layout, seed: seed &+ 2)
        // Batches of 4 rows: the product is accumulated over several batches.
        let op = try HessianOperator(network: network, parameters: theta, samples: split, loss: loss, batchSize: 4)
        let exact = try op.apply(v)
        let plus = gradient(network, theta + h * v, split, loss)
        let minus = gradient(network, theta - h * v, split, loss)
        let numeric = (1 / (2 * h)) * (plus - minus)
        return ((exact - numeric).norm / max(numeric.norm, 1e-8), exact.norm, exact)
    }

    @Test(arguments: [LossFunction.softmaxCrossEntropy, .meanSquaredError])
    func everyKindMatchesFiniteDifferencesOfGradients(_ loss: LossFunction) throws {
        let network = try Self.everyKind()
        #expect(!network.isDenseChain)
        let (error, norm, product) = try Self.finiteDifferenceError(
            network, samples: 9, loss: loss, step: 1e-5, seed: 21)
        #expect(error < 1e-6, "relative error \(error) (‖Hv‖ = \(norm))")
        #expect(norm > 1e-3)
        // Buffers are constants: the product is zero on the running statistics.
        let layout = network.layout
        #expect(product.flat[layout.parameterCount...].allSatisfy { $0 == 0 })
        // Every parameter tensor receives curvature.
        for spec in layout.tensors where spec.role == .parameter {
            #expect(product.flat[spec.offset..<(spec.offset + spec.count)].contains { $0 != 0 }, "\(spec.name)")
        }
    }

    @Test(arguments: [
        "resnet20:w=2:bn:in=1x8x8:out=3", "resnet20:w=2:ln:in=1x8x8:out=3", "resnet20:w=2:none:in=1x8x8:out=3",
        "vgg11:w=0.0625:bn:in=1x32x32:out=4",
    ])
    func presetMatchesFiniteDifferencesOfGradients(_ description: String) throws {
        let network = try Network(parsing: description)
        // A small step keeps θ ± h·v on the ReLUs' and max-pools' pieces of θ.
        let (error, norm, _) = try Self.finiteDifferenceError(
            network, samples: 6, loss: .softmaxCrossEntropy, step: 1e-6, seed: 31)
        #expect(error < 1e-6, "\(description): relative error \(error) (‖Hv‖ = \(norm))")
        #expect(norm > 1e-3)
    }

    /// A tiny convolutional network with BatchNorm: the Hessian assembled from products is symmetric;
    /// its LAPACK eigenvalues match Lanczos' top-k, and its exact trace Hutchinson's; blocks are the
    /// parameter tensors only.
    @Test func fullHessianOfATinyConvNetAgreesWithLAPACK() throws {
        let network = try Network(parsing: "cnn:1x4x4-c2-p-3:tanh:bn")
        let split = CurvatureFixtures.split(network: network, samples: 30, loss: .softmaxCrossEntropy, seed: 14)
        let theta = Self.parameters(network, seed: 15)
        let op = try HessianOperator(
            network: network, parameters: theta, samples: split, loss: .softmaxCrossEntropy, batchSize: 8)
        #expect(op.dimension == network.layout.parameterCount && op.dimension < network.layout.totalCount)
        #expect(op.batchNormHandling?.contains("evaluation mode") == true)
        let h = try CurvatureFixtures.fullHessian(op)
        let p = h.rows
        let (asymmetry, scale) = CurvatureFixtures.asymmetry(h)
        #expect(asymmetry <= 1e-10 * scale, "asymmetry \(asymmetry) of scale \(scale)")
        let exact = try SymmetricEigendecomposition(h).eigenvalues.reversed().map { $0 }
        let apply = { (v: ParameterVector<Double>) throws(CurvatureError) in try op.apply(v) }
        let lanczos = try Lanczos.run(
            start: CurvatureFixtures.direction(network.layout, seed: 1), steps: p, topK: 3, tolerance: 1e-10,
            vectors: true, explicitResiduals: true, apply)
        for (pair, expected) in zip(lanczos.pairs, exact) {
            #expect(abs(pair.value - expected) < 1e-8 * max(1, abs(exact[0])), "\(pair.value) vs \(expected)")
        }
        let trace = (0..<p).reduce(0) { $0 + h[$1, $1] }
        let hutchinson = try HutchinsonTrace.estimate(layout: network.layout, probes: 100, seed: 5, apply)
        #expect(abs(hutchinson.trace.value - trace) < 4 * hutchinson.trace.standardError, "\(trace)")
        let parameterTensors = network.layout.tensors.filter { $0.role == .parameter }
        #expect(hutchinson.blockTraces.map(\.tensor) == parameterTensors.map(\.name))
        let blocks = try BlockCurvature.estimate(
            layout: network.layout, steps: 40, seed: 2, tolerance: 1e-10, traces: hutchinson, apply)
        #expect(blocks.map(\.tensor) == parameterTensors.map(\.name))
        for (block, spec) in zip(blocks, parameterTensors) {
            var sub = Matrix<Double>(rows: spec.count, columns: spec.count)
            for i in 0..<spec.count {
                for j in 0..<spec.count { sub[i, j] = h[spec.offset + i, spec.offset + j] }
            }
            let top = try SymmetricEigendecomposition(sub).eigenvalues.last!
            #expect(abs(block.topEigenvalue - top) < 1e-7 * max(1, abs(top)), "\(spec.name)")
        }
    }

    /// A memory budget too small for one row cuts a graph's batches to single rows: the same product.
    @Test func aTinyWorkspaceBudgetStreamsSingleRows() throws {
        let network = try Self.everyKind()
        let split = CurvatureFixtures.split(network: network, samples: 7, loss: .softmaxCrossEntropy, seed: 3)
        let theta = Self.parameters(network, seed: 4)
        let v = CurvatureFixtures.direction(network.layout, seed: 5)
        let batched = try HessianOperator(
            network: network, parameters: theta, samples: split, loss: .softmaxCrossEntropy, batchSize: 7
        ).apply(v)
        let single = try HessianOperator(
            network: network, parameters: theta, samples: split, loss: .softmaxCrossEntropy, batchSize: 7,
            graphWorkspaceBudget: 1
        ).apply(v)
        #expect((single - batched).norm <= 1e-12 * batched.norm)
        #expect(GraphHessianVectorWorkspace<Double>.byteCount(network: network, rows: 2) > 0)
    }

    /// Float32 products (oneDNN convolutions, parts on both cores) agree with Float64 ones (im2col)
    /// to single precision.
    @Test func floatProductsAgreeWithDouble() throws {
        let network = try Network(parsing: "cnn:1x8x8-c4-p-c6s2-a-3:relu:bn")
        let split = CurvatureFixtures.split(network: network, samples: 600, loss: .softmaxCrossEntropy, seed: 8)
        let theta = Self.parameters(network, seed: 9)
        let v = CurvatureFixtures.direction(network.layout, seed: 10)
        let double = try HessianOperator(
            network: network, parameters: theta, samples: split, loss: .softmaxCrossEntropy, batchSize: 128
        ).apply(v)
        let single = try HessianOperator(
            network: network, parameters: theta.converted(to: Float.self), samples: split, loss: .softmaxCrossEntropy,
            batchSize: 128
        ).apply(v.converted(to: Float.self))
        let error = (single.converted(to: Double.self) - double).norm / double.norm
        #expect(error < 1e-4, "relative error \(error)")
        // The parts are summed in a fixed order: the same product, bit for bit, on every application (in
        // Float64: oneDNN's Float32 convolutions follow the BLAS thread count, which tests running in
        // parallel may change).
        let op = try HessianOperator(
            network: network, parameters: theta, samples: split, loss: .softmaxCrossEntropy, batchSize: 128)
        #expect(try op.apply(v) == double)
    }
}
