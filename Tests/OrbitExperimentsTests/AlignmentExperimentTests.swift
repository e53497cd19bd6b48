import Foundation
import OrbitExperiments
import OrbitNetworks
import OrbitNumerics
import Testing

@Suite struct AlignmentExperimentTests {
    @Test func squaredDistancesKnownAnswer() {
        let a = Matrix<Double>([[0, 0], [1, 2]])
        let b = Matrix<Double>([[3, 4], [1, 0]])
        let c = NeuronTransport.squaredDistances(a, b)
        #expect(c.rowArrays == [[25, 1], [8, 4]])
    }

    @Test func assignmentEqualsBruteForceOverAllPermutations() throws {
        // Lemma B.3's right-hand side two ways: Jonker–Volgenant vs all m! permutations.
        for m in 1...7 {
            for seed in 0..<3 {
                var g = SeededGenerator(seed: UInt64(100 * m + seed))
                let a = Matrix<Double>.normal(rows: m, columns: 5, generator: &g)
                let b = Matrix<Double>.normal(rows: m, columns: 5, generator: &g)
                let lap = try NeuronTransport.assignmentCost(a, b)
                let brute = NeuronTransport.bruteForceCost(a, b)
                #expect(abs(lap.cost - brute) <= 1e-12 * max(1, brute), "m = \(m)")
                #expect(Set(lap.permutation) == Set(0..<m))
            }
        }
    }

    @Test func sinkhornOverCouplingsApproachesTheAssignmentCost() throws {
        // Birkhoff: the optimum over all couplings is attained at a permutation.
        var g = SeededGenerator(seed: 7)
        let a = Matrix<Double>.normal(rows: 6, columns: 3, generator: &g)
        let b = Matrix<Double>.normal(rows: 6, columns: 3, generator: &g)
        let exact = try NeuronTransport.assignmentCost(a, b).cost
        let entropic = NeuronTransport.entropicCost(a, b, epsilon: 1e-3, iterations: 3000)
        #expect(abs(entropic - exact) / exact < 0.02)
        // A larger ε blurs the coupling: its cost is further from W₂².
        let blurred = NeuronTransport.entropicCost(a, b, epsilon: 0.5, iterations: 500)
        #expect(blurred > entropic)
    }

    @Test func identicalCloudsHaveZeroCostAndPermutedCloudsAreRecovered() throws {
        var g = SeededGenerator(seed: 3)
        let a = Matrix<Double>.normal(rows: 20, columns: 4, generator: &g)
        let pi = Array((0..<20).reversed())
        let b = LayerwiseAlignment.permutedRows(a, pi)
        let result = try NeuronTransport.assignmentCost(a, b)
        #expect(result.cost < 1e-12)
        #expect(result.permutation == pi)
    }

    @Test func approximateDimensionKnownAnswers() {
        #expect(abs(NeuronTransport.approximateDimension(Matrix<Double>.identity(7)) - 7) < 1e-12)
        let v = Matrix<Double>([[1], [2], [3]])
        #expect(abs(NeuronTransport.approximateDimension(Matrix.product(v, v, transposeB: .transposed)) - 1) < 1e-12)
        // Eigenvalues 3 and 1: (4)² / (9 + 1) = 1.6.
        #expect(abs(NeuronTransport.approximateDimension(Matrix<Double>.diagonal([3, 1])) - 1.6) < 1e-12)
    }

    @Test func logLogSlopeOfAPowerLaw() {
        let x: [Double] = [8, 16, 32, 64, 128]
        #expect(abs(NeuronTransport.logLogSlope(x: x, y: x.map { 3 * pow($0, -0.4) }) + 0.4) < 1e-12)
    }

    @Test(arguments: LayerwiseAlignment.Cost.allCases)
    func alignmentUndoesAHiddenPermutation(cost: LayerwiseAlignment.Cost) throws {
        // B = A with its hidden units shuffled computes the same function; aligning B onto A must
        // give back A exactly, whatever the cost.
        let network = try Network(parsing: "mlp:5-7-6-3:relu")
        let a: ParameterVector<Float> = network.initialParameters(.pytorch, seed: 11)
        var g = SeededGenerator(seed: 5)
        let shuffles = [7, 6].map { n in Array(0..<n).shuffled(using: &g) }
        let alignment = LayerwiseAlignment(network: network, cost: cost)
        let b = alignment.apply(shuffles, to: a)
        var xg = SeededGenerator(seed: 9)
        let x = Matrix<Float>.normal(rows: 64, columns: 5, generator: &xg)
        let fa = WidthAtInitialization.outputs(network, a, x)
        let fb = WidthAtInitialization.outputs(network, b, x)
        #expect((fa - fb).maxMagnitude() < 1e-5)
        #expect(b != a)
        let pis = try alignment.permutations(a, b, inputs: x)
        #expect(alignment.apply(pis, to: b) == a)
    }

    @Test func widthRunMetricsAreFiniteAndMatchingBeatsIdentity() throws {
        let metrics = try WidthAtInitialization.run(WidthRunConfiguration(width: 12, inputDimension: 3, samples: 64))
        for key in ["layer1.cost", "layer2.cost", "interp_error.naive", "interp_error.aligned", "barrier.aligned"] {
            #expect(metrics[key]?.isFinite == true, "\(key)")
        }
        #expect(metrics["layer1.cost"]! <= metrics["layer1.cost_unaligned"]!)
    }

    @Test func meanFieldOutputsAndTraining() throws {
        // One neuron (a, w) = (2, (1, 0)) on inputs x̃ = x (given directly): f(x) = 2·tanh(x₁).
        let neuron = Matrix<Double>([[2, 1, 0]])
        let x = Matrix<Double>([[0.5, 0.3], [-1, 2]])
        let f = MeanFieldTwoLayer.outputs(neuron, x)
        #expect(abs(f[0] - 2 * tanh(0.5)) < 1e-12 && abs(f[1] - 2 * tanh(-1)) < 1e-12)
        #expect(MeanFieldTwoLayer.augmented(x).rowArrays == [[0.5, 0.3, 1], [-1, 2, 1]])
        let c = MeanFieldRunConfiguration(width: 16, inputDimension: 3, teacherNeurons: 2, steps: 400, testSamples: 64)
        let metrics = try MeanFieldTwoLayer.run(c)
        for (key, value) in metrics { #expect(value.isFinite, "\(key)") }
        #expect(metrics["matching_cost"]! <= metrics["matching_cost_unaligned"]!)
        // SGD lowers the loss: zero steps leave the initial network.
        var untrained = c
        untrained.steps = 0
        let initialLoss = try MeanFieldTwoLayer.run(untrained)["endpoint_loss"]!
        #expect(metrics["endpoint_loss"]! < initialLoss)
    }

    @Test func learningRateRunReportsEveryMethod() throws {
        let c = LearningRateRunConfiguration(
            learningRate: 0.05, data: "synthetic:regression:d=6,k=2,n=64,test=32,seed=1", limit: nil,
            architecture: "mlp:6-8-8-2:relu", epochs: 2, batchSize: 16, statisticsSamples: 64)
        let metrics = try LearningRateSweep.run(c)
        for method in LearningRateSweep.methods { #expect(metrics["midpoint.\(method.name)"]?.isFinite == true) }
        #expect(metrics["midpoint.rebasin-weight-matching"]?.isFinite == true)
        // Two implementations of Σ-weighted matching (ours: one forward pass; the library's: coordinate
        // descent) reach the same permutations, hence the same midpoint loss; likewise for AM.
        let ours = metrics["midpoint.sigma-weight-matching"]!
        #expect(abs(metrics["midpoint.library-sigma-weight-matching"]! - ours) <= 1e-6 * max(1, ours))
        let am = metrics["midpoint.activation-matching"]!
        #expect(abs(metrics["midpoint.library-activation-matching"]! - am) <= 1e-6 * max(1, am))
        for layer in [1, 2] {
            for s in ["WtW", "WSigmaWt", "Sigma"] {
                let dim = metrics["dim.layer\(layer).\(s)"]!
                #expect(dim >= 1 - 1e-9 && dim <= 8 + 1e-9, "dim.layer\(layer).\(s) = \(dim)")
            }
        }
        #expect(LearningRateSweep.resolveData("synthetic:regression:d=2").fallback == nil)
    }
}
