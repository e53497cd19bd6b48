import Foundation
import OrbitData
import OrbitNetworks
import OrbitNumerics

/// Where a run stands after a completed epoch, or part-way through one: enough to resume it
/// bit-identically.
public struct TrainingState<Scalar: BLASScalar>: Sendable {
    public var completedEpochs: Int
    public var parameters: ParameterVector<Scalar>
    public var optimizerStep: Int
    public var optimizerFirst: [Scalar]
    public var optimizerSecond: [Scalar]
    public var history: [EpochRecord]
    /// Steps done in epoch `completedEpochs + 1` (0 at an epoch boundary). The epoch's order is
    /// reshuffled from (seed, epoch) on resume, so this position is all that is needed.
    public var completedSteps: Int = 0
    /// The running sums of the epoch in progress (Σ loss, correct predictions, samples seen), so the
    /// resumed epoch's record equals the uninterrupted one's.
    public var partialLossSum: Double = 0
    public var partialCorrect: Int = 0
    public var partialSeen: Int = 0
}

/// Minibatch training of a network on a data set's train split.
///
/// Each epoch visits every training sample once in an order shuffled by a generator seeded from
/// (seed, epoch) — so a run resumed from the state after epoch e reshuffles exactly as the
/// uninterrupted run — in batches of `batchSize` (the last one may be smaller). Per step: forward,
/// loss, backward, optimiser update, with no allocation.
public final class Trainer<Scalar: BLASScalar> {
    public let network: Network
    public let dataset: Dataset
    public let configuration: TrainingConfiguration
    public let progress: ProgressReporter
    let lossFunction: LossFunction

    public init(
        network: Network, dataset: Dataset, configuration: TrainingConfiguration,
        progress: ProgressReporter = ProgressReporter(style: .quiet)
    ) throws {
        guard configuration.epochs >= 0 else { throw TrainingError.invalidConfiguration("epochs must be ≥ 0") }
        guard configuration.batchSize > 0 else {
            throw TrainingError.invalidConfiguration("batch size must be positive")
        }
        guard configuration.learningRate.isFinite, configuration.learningRate > 0 else {
            throw TrainingError.invalidConfiguration("learning rate must be positive")
        }
        guard dataset.train.featureCount == network.inputSize else {
            throw TrainingError.invalidConfiguration(
                "the network takes \(network.inputSize) inputs but '\(dataset.name)' has \(dataset.train.featureCount) features"
            )
        }
        if case .classes(_, let k) = dataset.train.targets, k > network.outputSize {
            throw TrainingError.invalidConfiguration(
                "'\(dataset.name)' has \(k) classes but the network has \(network.outputSize) outputs")
        }
        if case .values(let v) = dataset.train.targets, v.columns != network.outputSize {
            throw TrainingError.invalidConfiguration(
                "targets have \(v.columns) columns but the network has \(network.outputSize) outputs")
        }
        self.network = network
        self.dataset = dataset
        self.configuration = configuration
        self.progress = progress
        lossFunction = configuration.loss ?? dataset.train.targets.defaultLoss
    }

    /// The state before the first epoch: parameters from the configured initialisation and seed.
    public func initialState(parameters: ParameterVector<Scalar>? = nil) -> TrainingState<Scalar> {
        let theta = parameters ?? network.initialParameters(configuration.initialization, seed: configuration.seed)
        let optimizer = OptimizerState<Scalar>(configuration.optimizer, count: theta.count)
        let snap = optimizer.snapshot
        return TrainingState(
            completedEpochs: 0, parameters: theta, optimizerStep: 0, optimizerFirst: snap.first,
            optimizerSecond: snap.second, history: [])
    }

    /// Trains from `state` to the configured number of epochs. `afterEpoch` sees the state after each
    /// epoch and, when `checkpointEvery` = N > 0, also after every N-th step (counted over the whole
    /// run) inside an epoch (`completedSteps > 0`) — to checkpoint it. A state saved part-way
    /// resumes bit-identically: the epoch's order is recomputed from (seed, epoch) and the run
    /// continues at `completedSteps` with the epoch's running sums. On a non-finite loss
    /// (``TrainingError/nonFiniteLoss(epoch:step:loss:)``) or gradient (``NonFiniteGradientError``)
    /// it throws before updating θ; the last checkpoint has been passed to `afterEpoch` already.
    @_specialize(exported:true,where Scalar == Float)
    @_specialize(exported:true,where Scalar == Double)
    public func run(
        from state: TrainingState<Scalar>, checkpointEvery: Int = 0,
        afterEpoch: (TrainingState<Scalar>) throws -> Void = { _ in }
    ) throws -> TrainingState<Scalar> {
        var state = state
        let train = dataset.train
        let n = train.count
        let batch = min(configuration.batchSize, max(n, 1))
        let stepsPerEpoch = (n + batch - 1) / batch
        let totalSteps = stepsPerEpoch * configuration.epochs
        let engine = MinibatchGradient<Scalar>(network: network, batchSize: batch)
        let loader = BatchLoader<Scalar>(split: train, capacity: batch)
        let optimizer = OptimizerState<Scalar>(configuration.optimizer, count: state.parameters.count)
        optimizer.restore(step: state.optimizerStep, first: state.optimizerFirst, second: state.optimizerSecond)
        var order = Array(0..<n)
        let runStart = Date()
        var samplesDone = 0

        while state.completedEpochs < configuration.epochs {
            let epoch = state.completedEpochs + 1
            let epochStart = Date()
            var generator = SeededGenerator(seed: configuration.seed &+ 0x632B_E59B_D9B4_E019 &* UInt64(epoch))
            for i in 0..<n { order[i] = i }
            order.withUnsafeMutableBufferPointer { fisherYatesShuffle($0, using: &generator) }
            // A state saved part-way through this epoch continues where it stopped.
            let firstStep = min(state.completedSteps, stepsPerEpoch)
            var lossSum = state.partialLossSum, correct = state.partialCorrect, seen = state.partialSeen
            var rate = configuration.learningRate
            // Each step splits its batch across the cores; BLAS then runs on one thread per part.
            try Threading.withSingleThreadedBLAS(when: engine.parts > 1) {
                for s in firstStep..<stepsPerEpoch {
                    let lower = s * batch, upper = min(lower + batch, n)
                    loader.load(order[lower..<upper])
                    let result = engine.compute(state.parameters, loader: loader, loss: lossFunction)
                    guard result.lossSum.isFinite else {
                        throw TrainingError.nonFiniteLoss(epoch: epoch, step: s + 1, loss: result.lossSum)
                    }
                    let gradients = engine.gradientParts
                    rate = configuration.schedule.rate(
                        base: configuration.learningRate, step: (epoch - 1) * stepsPerEpoch + s, totalSteps: totalSteps,
                        stepsPerEpoch: stepsPerEpoch)
                    try NonFiniteGuard.afterStep(
                        optimizer.step(&state.parameters, gradients: gradients, learningRate: rate),
                        gradients: gradients, parameters: state.parameters, epoch: epoch, step: s + 1)
                    lossSum += result.lossSum
                    correct += result.correct ?? 0
                    seen += upper - lower
                    samplesDone += upper - lower
                    let globalStep = (epoch - 1) * stepsPerEpoch + s + 1
                    if checkpointEvery > 0, globalStep % checkpointEvery == 0, s + 1 < stepsPerEpoch {
                        var partial = state
                        partial.completedSteps = s + 1
                        partial.partialLossSum = lossSum
                        partial.partialCorrect = correct
                        partial.partialSeen = seen
                        let snap = optimizer.snapshot
                        partial.optimizerStep = snap.step
                        partial.optimizerFirst = snap.first
                        partial.optimizerSecond = snap.second
                        try afterEpoch(partial)
                    }
                    let elapsed = Date().timeIntervalSince(runStart)
                    let speed = Double(samplesDone) / max(elapsed, 1e-9)
                    let remaining = Double((configuration.epochs - epoch) * n + (n - seen))
                    progress.update(
                        epoch: epoch, epochs: configuration.epochs, fraction: Double(seen) / Double(n),
                        loss: lossSum / Double(seen),
                        accuracy: result.correct == nil ? nil : Double(correct) / Double(seen), samplesPerSecond: speed,
                        eta: remaining / speed)
                }
            }
            let seconds = Date().timeIntervalSince(epochStart)
            let hasAccuracy =
                lossFunction == .softmaxCrossEntropy
                || { if case .classes = train.targets { return true } else { return false } }()
            let running = SplitMetrics(
                loss: lossSum / Double(max(seen, 1)),
                accuracy: hasAccuracy ? Double(correct) / Double(max(seen, 1)) : nil)
            let test = dataset.test.map { network.evaluate(state.parameters, on: $0, loss: lossFunction) }
            let record = EpochRecord(
                epoch: epoch, learningRate: rate, runningTrain: running, test: test, seconds: seconds,
                samplesPerSecond: Double(seen) / max(seconds, 1e-9))
            state.history.append(record)
            state.completedEpochs = epoch
            state.completedSteps = 0
            state.partialLossSum = 0
            state.partialCorrect = 0
            state.partialSeen = 0
            let snap = optimizer.snapshot
            state.optimizerStep = snap.step
            state.optimizerFirst = snap.first
            state.optimizerSecond = snap.second
            progress.finishEpoch(Self.summary(record, epochs: configuration.epochs))
            try afterEpoch(state)
        }
        return state
    }

    static func summary(_ r: EpochRecord, epochs: Int) -> String {
        func metrics(_ m: SplitMetrics) -> String {
            "loss \(String(format: "%.4f", m.loss))"
                + (m.accuracy.map { String(format: " acc %.2f%%", $0 * 100) } ?? "")
        }
        var s = "epoch \(r.epoch)/\(epochs)  train \(metrics(r.runningTrain))"
        if let t = r.test { s += "  test \(metrics(t))" }
        return s + String(format: "  %.1f s  %.0f samples/s", r.seconds, r.samplesPerSecond)
    }
}
