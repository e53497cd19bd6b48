import Testing

@testable import OrbitData
@testable import OrbitNetworks
@testable import OrbitNumerics
@testable import OrbitTraining

/// A forward-only workspace (activations in place, branch-free ReLU) and the evaluation that splits
/// the rows across the cores give the training workspace's numbers.
@Suite struct InferenceWorkspaceTests {
    static let descriptions = [
        "mlp:10-16-8-3:relu", "mlp:10-16-8-3:relu:nobias", "mlp:10-16-8-3:tanh", "mlp:10-16-8-3:gelu:nobias",
        "mlp:10-16-8-3:sigmoid", "resmlp:10-12x2-3:relu", "linear-skip:10-6-10-3:eps=0.5",
    ]

    @Test(arguments: descriptions)
    func inferenceForwardEqualsTrainingForward(_ description: String) throws {
        let network = try Network(parsing: description)
        let split = TrainingTests.blobs(n: 90, seed: 5)
        let theta: ParameterVector<Double> = network.initialParameters(seed: 7)
        let training = NetworkWorkspace<Double>(network: network, capacity: 90)
        let inference = NetworkWorkspace<Double>(network: network, capacity: 90, inference: true)
        let loader = BatchLoader<Double>(split: split, capacity: 90)
        loader.load(0..<90)
        let expected = training.forward(theta, inputs: loader.inputs)
        let found = inference.forward(theta, inputs: loader.inputs)
        for i in 0..<90 {
            for j in 0..<expected.columns {
                #expect(found[i, j] == expected[i, j], "\(description) row \(i) column \(j)")
            }
        }
        #expect(inference.isInference && !training.isInference)
    }

    /// The first layer formed as Σ c_i·H_i (the affine-path evaluator's route) equals a forward pass at
    /// θ = Σ c_i·P_i, for two products (the one-pass line kernel) and three (the general route).
    @Test(arguments: ["mlp:10-16-8-3:relu", "mlp:10-16-8-3:relu:nobias", "mlp:10-16-8-3:tanh"])
    func firstLayerCombinationEqualsForwardAtTheCombinedPoint(_ description: String) throws {
        let network = try Network(parsing: description)
        let split = TrainingTests.blobs(n: 40, seed: 6)
        let points: [ParameterVector<Double>] = (0..<3).map { network.initialParameters(seed: UInt64(10 + $0)) }
        let workspace = NetworkWorkspace<Double>(network: network, capacity: 40, inference: true)
        let reference = NetworkWorkspace<Double>(network: network, capacity: 40)
        let loader = BatchLoader<Double>(split: split, capacity: 40)
        loader.load(0..<40)
        let w1 = workspace.firstLayerWeight
        let hidden = w1.shape[0]
        for coefficients in [[0.25, 0.75], [0.2, 0.5, 0.3]] {
            let used = Array(points.prefix(coefficients.count))
            let products = used.map { p -> AlignedBuffer<Double> in
                let h = AlignedBuffer<Double>(repeating: 0, count: 40 * hidden)
                p.withTensor(w1) { w in
                    gemm(
                        loader.inputs, MatrixView(baseAddress: w.baseAddress, rows: hidden, columns: w1.shape[1]),
                        into: MutableMatrixView(baseAddress: h.baseAddress, rows: 40, columns: hidden),
                        transposeB: .transposed)
                }
                return h
            }
            let theta = ParameterVector.combination(coefficients, used)
            let expected = reference.forward(theta, inputs: loader.inputs)
            let found = workspace.forward(
                theta, inputs: loader.inputs,
                firstLayer: FirstLayerCombination(
                    products: products.map { UnsafePointer($0.baseAddress) }, coefficients: coefficients))
            for i in 0..<40 {
                for j in 0..<expected.columns {
                    #expect(abs(found[i, j] - expected[i, j]) < 1e-12 * max(1, abs(expected[i, j])))
                }
            }
        }
    }

    /// With 2 000 rows the evaluation is split into one part per core; the parts' sums equal one
    /// sequential pass with a training workspace.
    @Test(arguments: ["mlp:10-16-8-3:relu", "mlp:10-16-8-3:tanh:nobias"])
    func splitEvaluationEqualsSequentialSums(_ description: String) throws {
        let network = try Network(parsing: description)
        let split = TrainingTests.blobs(n: 2000, seed: 8)
        let theta: ParameterVector<Double> = network.initialParameters(seed: 9)
        let workspace = NetworkWorkspace<Double>(network: network, capacity: 300)
        let loader = BatchLoader<Double>(split: split, capacity: 300)
        var loss = 0.0
        var correct = 0
        var start = 0
        while start < 2000 {
            let end = min(start + 300, 2000)
            loader.load(start..<end)
            workspace.forward(theta, inputs: loader.inputs)
            let batch = loader.withTargets { workspace.loss(.softmaxCrossEntropy, targets: $0, gradient: false) }
            loss += batch.lossSum
            correct += batch.correct ?? 0
            start = end
        }
        let metrics = network.evaluate(theta, on: split, batchSize: 300)
        #expect(abs(metrics.loss - loss / 2000) < 1e-12 * max(1, loss / 2000))
        #expect(metrics.accuracy == Double(correct) / 2000)
        if Threading.threadCount > 1 { #expect(EvaluationParts.count(rows: 2000) > 1) }
    }

    /// The branch-free ReLU: max(v, 0) for every sign and magnitude, and NaN with a clear sign bit
    /// propagates (a NaN pre-activation must not become a plausible 0).
    @Test func branchFreeReLU() {
        for v: Float in [-3, -0.0, 0, 1e-40, -1e-40, 2.5, .infinity, -.infinity, .greatestFiniteMagnitude] {
            #expect(ActivationKernels.relu(v) == max(v, 0) && ActivationKernels.relu(v).sign == .plus)
        }
        for v: Double in [-3, -0.0, 0, 5e-324, -5e-324, 2.5, .infinity, -.infinity] {
            #expect(ActivationKernels.relu(v) == max(v, 0) && ActivationKernels.relu(v).sign == .plus)
        }
        #expect(ActivationKernels.relu(Float.nan).isNaN && ActivationKernels.relu(Double.nan).isNaN)
    }
}
