import Testing

@testable import OrbitData
@testable import OrbitNetworks
@testable import OrbitNumerics
@testable import OrbitTraining

@Suite struct TrainingTests {
    /// Two Gaussian blobs per class in 10 dimensions: learnable, small, deterministic.
    static func blobs(n: Int, seed: UInt64) -> DataSplit {
        var g = SeededGenerator(seed: seed)
        let centres = Matrix<Float>.normal(rows: 3, columns: 10, standardDeviation: 2, generator: &g)
        var labels: [Int32] = []
        let x = Matrix<Float>(rows: n, columns: 10) { out in
            for i in 0..<n {
                let c = Int(g.next() % 3)
                labels.append(Int32(c))
                for j in 0..<10 { out[i * 10 + j] = centres[c, j] + Float(g.nextGaussian()) }
            }
        }
        return DataSplit(features: x, targets: .classes(labels: labels, classCount: 3))
    }

    static let dataset = Dataset(name: "blobs", train: blobs(n: 600, seed: 1), test: blobs(n: 200, seed: 2))

    @Test(arguments: [
        Optimizer.sgd(momentum: 0.9), .sgd(momentum: 0.9, nesterov: true, weightDecay: 1e-4), .adam(),
        .adamW(weightDecay: 0.01),
    ])
    func trainingLowersTheLoss(_ optimizer: Optimizer) throws {
        let network = try Network(parsing: "mlp:10-32-32-3:relu")
        let lr: Double
        if case .sgd = optimizer { lr = 0.05 } else { lr = 0.005 }
        let config = TrainingConfiguration(
            epochs: 5, batchSize: 32, learningRate: lr, optimizer: optimizer, schedule: .cosine, seed: 7)
        let trainer = try Trainer<Float>(network: network, dataset: Self.dataset, configuration: config)
        let start = trainer.initialState()
        let before = network.evaluate(start.parameters, on: Self.dataset.train)
        let end = try trainer.run(from: start)
        let after = network.evaluate(end.parameters, on: Self.dataset.train)
        #expect(after.loss < 0.5 * before.loss, "\(optimizer.summary): \(before.loss) → \(after.loss)")
        #expect((after.accuracy ?? 0) > 0.9)
        #expect(end.history.count == 5 && end.history.last!.test != nil)
    }

    @Test func sameSeedGivesIdenticalBytesAndResumeMatches() throws {
        let network = try Network(parsing: "mlp:10-16-3:tanh")
        let config = TrainingConfiguration(epochs: 4, batchSize: 50, learningRate: 0.01, optimizer: .adam(), seed: 11)
        let trainer = try Trainer<Float>(network: network, dataset: Self.dataset, configuration: config)
        let a = try trainer.run(from: trainer.initialState())
        let b = try trainer.run(from: trainer.initialState())
        #expect(a.parameters == b.parameters)
        // Stop after two epochs, resume from that state: the same bytes as the uninterrupted run.
        var saved: TrainingState<Float>?
        let partialConfig = TrainingConfiguration(
            epochs: 2, batchSize: 50, learningRate: 0.01, optimizer: .adam(), seed: 11)
        _ = try Trainer<Float>(network: network, dataset: Self.dataset, configuration: partialConfig).run(
            from: trainer.initialState()
        ) { saved = $0 }
        let resumed = try trainer.run(from: try #require(saved))
        // The cosine-free constant schedule makes the first two epochs identical to the full run's.
        #expect(resumed.parameters == a.parameters)
        let other = try Trainer<Float>(
            network: network, dataset: Self.dataset,
            configuration: TrainingConfiguration(
                epochs: 4, batchSize: 50, learningRate: 0.01, optimizer: .adam(), seed: 12))
        #expect(try other.run(from: other.initialState()).parameters != a.parameters)
    }

    @Test func nonFiniteLossStopsWithAClearError() throws {
        let network = try Network(parsing: "mlp:10-8-3:relu")
        let config = TrainingConfiguration(epochs: 3, batchSize: 600, learningRate: 1e30, optimizer: .sgd(), seed: 1)
        let trainer = try Trainer<Float>(network: network, dataset: Self.dataset, configuration: config)
        #expect(throws: TrainingError.self) { try trainer.run(from: trainer.initialState()) }
        #expect(throws: TrainingError.self) {
            try Trainer<Float>(network: try Network(parsing: "mlp:9-3"), dataset: Self.dataset, configuration: config)
        }
    }

    /// One parameter, gradient g = θ (loss θ²/2): every optimiser's first two updates by hand.
    @Test func optimizerUpdatesMatchHandComputedValues() {
        let layout = ParameterLayout([("w", [1])])
        func run(_ optimizer: Optimizer, steps: Int, lr: Double) -> Double {
            var theta = ParameterVector<Double>(layout: layout, flat: [1])
            let state = OptimizerState<Double>(optimizer, count: 1)
            for _ in 0..<steps { state.step(&theta, gradient: theta, learningRate: lr) }
            return theta.flat[0]
        }
        // SGD: θ₁ = 1 − 0.1 = 0.9.
        #expect(abs(run(.sgd(), steps: 1, lr: 0.1) - 0.9) < 1e-15)
        // Momentum 0.5: v₁ = 1, θ₁ = 0.9; g₂ = 0.9, v₂ = 1.4, θ₂ = 0.76.
        #expect(abs(run(.sgd(momentum: 0.5), steps: 2, lr: 0.1) - 0.76) < 1e-15)
        // Nesterov: step₁ = g + μv = 1.5 → θ₁ = 0.85; g₂ = 0.85, v₂ = 1.35, step₂ = 0.85 + 0.675 → θ₂ = 0.6975.
        #expect(abs(run(.sgd(momentum: 0.5, nesterov: true), steps: 2, lr: 0.1) - 0.6975) < 1e-15)
        // Weight decay λ = 1 doubles the gradient: θ₁ = 1 − 0.1·2 = 0.8.
        #expect(abs(run(.sgd(weightDecay: 1), steps: 1, lr: 0.1) - 0.8) < 1e-15)
        // Adam's first step is lr·g/(|g| + ε) ≈ lr.
        #expect(abs(run(.adam(), steps: 1, lr: 0.1) - (1 - 0.1 / (1 + 1e-8))) < 1e-12)
        // AdamW decays first: θ ← 1 − 0.1·0.5 = 0.95, then the Adam step on g = 1 (gradient taken before the decay).
        #expect(abs(run(.adamW(weightDecay: 0.5), steps: 1, lr: 0.1) - (0.95 - 0.1 / (1 + 1e-8))) < 1e-12)
    }

    @Test func schedules() {
        let s = LearningRateSchedule.step(everyEpochs: 2, gamma: 0.1)
        #expect(s.rate(base: 1, step: 0, totalSteps: 100, stepsPerEpoch: 10) == 1)
        #expect(abs(s.rate(base: 1, step: 25, totalSteps: 100, stepsPerEpoch: 10) - 0.1) < 1e-15)
        #expect(LearningRateSchedule.cosine.rate(base: 2, step: 0, totalSteps: 10, stepsPerEpoch: 5) == 2)
        #expect(abs(LearningRateSchedule.cosine.rate(base: 2, step: 5, totalSteps: 10, stepsPerEpoch: 5) - 1) < 1e-15)
        let w = LearningRateSchedule.warmupCosine(warmupEpochs: 1)
        #expect(abs(w.rate(base: 1, step: 4, totalSteps: 20, stepsPerEpoch: 10) - 0.5) < 1e-15)
        #expect(abs(w.rate(base: 1, step: 10, totalSteps: 20, stepsPerEpoch: 10) - 1) < 1e-15)
        #expect(LearningRateSchedule(parsing: "step:30:0.1") == .step(everyEpochs: 30, gamma: 0.1))
        #expect(LearningRateSchedule(parsing: "warmup-cosine:2") == .warmupCosine(warmupEpochs: 2))
        #expect(LearningRateSchedule(parsing: "step:x") == nil)
    }

    @Test func shuffleIsAPermutationAndSeeded() {
        var a = Array(0..<1000), b = Array(0..<1000)
        var g1 = SeededGenerator(seed: 5), g2 = SeededGenerator(seed: 5)
        a.withUnsafeMutableBufferPointer { fisherYatesShuffle($0, using: &g1) }
        b.withUnsafeMutableBufferPointer { fisherYatesShuffle($0, using: &g2) }
        #expect(a == b && a != Array(0..<1000) && a.sorted() == Array(0..<1000))
    }

    /// Evaluation in batches equals one pass over the whole split.
    @Test func evaluationIsIndependentOfBatchSize() throws {
        let network = try Network(parsing: "mlp:10-8-3:relu")
        let theta: ParameterVector<Double> = network.initialParameters(seed: 2)
        let a = network.evaluate(theta, on: Self.dataset.test!, batchSize: 7)
        let b = network.evaluate(theta, on: Self.dataset.test!, batchSize: 1000)
        #expect(abs(a.loss - b.loss) < 1e-12 && a.accuracy == b.accuracy)
    }
}

@Suite struct TrainingStateFileTests {
    /// A run checkpointed to disk after epoch 1 and resumed from the file ends with the same bytes as
    /// an uninterrupted run; a state from another configuration is refused.
    @Test func resumeFromFileIsBitIdentical() throws {
        let network = try Network(parsing: "mlp:10-12-3:relu")
        let dataset = TrainingTests.dataset
        let config = TrainingConfiguration(
            epochs: 3, batchSize: 64, learningRate: 0.05, optimizer: .sgd(momentum: 0.9, nesterov: true),
            schedule: .cosine, seed: 4)
        let trainer = try Trainer<Float>(network: network, dataset: dataset, configuration: config)
        let uninterrupted = try trainer.run(from: trainer.initialState())
        let path = CheckpointTests.temporaryPath("run.state.safetensors")
        struct Stop: Error {}
        do {
            _ = try trainer.run(from: trainer.initialState()) { state in
                try TrainingStateFile.write(state, network: network, configuration: config, to: path)
                if state.completedEpochs == 1 { throw Stop() }
            }
        } catch is Stop {}
        let saved: TrainingState<Float> = try TrainingStateFile.read(path, network: network, configuration: config)
        #expect(saved.completedEpochs == 1 && saved.history.count == 1)
        let resumed = try trainer.run(from: saved)
        #expect(resumed.parameters == uninterrupted.parameters)
        #expect(resumed.history.map(\.runningTrain) == uninterrupted.history.map(\.runningTrain))
        var other = config
        other.learningRate = 0.1
        #expect(throws: TrainingError.self) {
            let _: TrainingState<Float> = try TrainingStateFile.read(path, network: network, configuration: other)
        }
    }
}

@Suite struct MinibatchGradientTests {
    /// Splitting a batch across threads gives the same loss and gradient as one pass (Float64, to
    /// rounding), including a batch smaller than the capacity and an odd size.
    @Test func splitGradientEqualsUnsplit() throws {
        let network = try Network(parsing: "mlp:10-16-3:tanh")
        let theta: ParameterVector<Double> = network.initialParameters(seed: 4)
        let split = TrainingTests.dataset.train
        for (batch, rows) in [(128, 128), (128, 77), (64, 64)] {
            let loader = BatchLoader<Double>(split: split, capacity: batch)
            loader.load(0..<rows)
            let single = MinibatchGradient<Double>(network: network, batchSize: batch, threads: 1)
            let parallel = MinibatchGradient<Double>(network: network, batchSize: batch, threads: 2)
            #expect(single.parts == 1 && parallel.parts == 2)
            let a = single.compute(theta, loader: loader, loss: .softmaxCrossEntropy)
            let b = Threading.withSingleThreadedBLAS {
                parallel.compute(theta, loader: loader, loss: .softmaxCrossEntropy)
            }
            #expect(abs(a.lossSum - b.lossSum) < 1e-12 * a.lossSum && a.correct == b.correct)
            #expect(single.gradient.distance(to: parallel.gradient) < 1e-13 * max(1, single.gradient.norm))
        }
    }
}

@Suite struct OptimizerScaleTests {
    /// The fused gradient scale and the two-gradient sum: SGD θ₁ = 1 − 0.1·0.5·(1 + 2) = 0.85.
    @Test func scaleAndSumInsideTheUpdate() {
        let layout = ParameterLayout([("w", [1])])
        var theta = ParameterVector<Double>(layout: layout, flat: [1])
        let state = OptimizerState<Double>(.sgd(), count: 1)
        state.step(
            &theta,
            gradients: [ParameterVector(layout: layout, flat: [1]), ParameterVector(layout: layout, flat: [2])],
            learningRate: 0.1,
            gradientScale: 0.5)
        #expect(abs(theta.flat[0] - 0.85) < 1e-15)
    }

    /// The step reports a non-finite parameter (the guard's bit-pattern flag) for NaN and ±∞
    /// gradients, whatever the optimiser, and not for large or subnormal finite ones.
    @Test(arguments: [Optimizer.sgd(), .sgd(momentum: 0.9), .sgd(momentum: 0.9, nesterov: true), .adam(), .adamW()])
    func stepFlagsNonFiniteParameters(_ optimizer: Optimizer) {
        func finite<T: BLASScalar>(_: T.Type, gradient: T) -> Bool {
            let layout = ParameterLayout([("w", [37])])  // odd length: vector body and scalar tail
            var theta = ParameterVector<T>(layout: layout, flat: Array(repeating: 1, count: 37))
            var g = ParameterVector<T>(layout: layout, flat: Array(repeating: 0, count: 37))
            g.withUnsafeMutableBufferPointer { $0[36] = gradient }
            return OptimizerState<T>(optimizer, count: 37).step(&theta, gradient: g, learningRate: 0.1)
        }
        for bad: Float in [.nan, .infinity, -.infinity] { #expect(!finite(Float.self, gradient: bad)) }
        for bad: Double in [.nan, .infinity, -.infinity] { #expect(!finite(Double.self, gradient: bad)) }
        for good: Float in [0, 1e30, -1e30, .leastNonzeroMagnitude] { #expect(finite(Float.self, gradient: good)) }
        for good: Double in [0, 1e300, -1e300, .leastNonzeroMagnitude] { #expect(finite(Double.self, gradient: good)) }
    }
}
