import Foundation
import OrbitData
import OrbitNetworks
import OrbitNumerics

/// Where a training run stands after a completed epoch, or part-way through one: θ (the one point),
/// its optimiser's moments, the epoch records and the position inside the epoch — enough to resume
/// it bit-identically (see ``OptimizationState``).
public typealias TrainingState<Scalar: BLASScalar> = OptimizationState<Scalar, TrainingRun>

/// Training, as a kind of resumable optimisation: one record per epoch with the running train and
/// the test metrics.
public enum TrainingRun: OptimizationRun {
    public typealias Record = EpochRecord
    public typealias Configuration = TrainingConfiguration
    public static var kind: OptimizationKind { .training }
}

extension OptimizationState where Run == TrainingRun {
    /// θ.
    public var parameters: ParameterVector<Scalar> {
        get { points[0] }
        _modify { yield &points[0] }
        set { points[0] = newValue }
    }

    /// Correct predictions in the epoch in progress so far.
    public var partialCorrect: Int {
        get { partial.correct }
        set { partial.correct = newValue }
    }

    /// Samples seen in the epoch in progress so far.
    public var partialSeen: Int {
        get { partial.samples }
        set { partial.samples = newValue }
    }
}

/// A training step for ``ResumableOptimization``: forward, loss and backward of the loaded batch at
/// θ, split across the cores by ``MinibatchGradient``.
struct TrainingObjective<Scalar: BLASScalar>: OptimizationObjective {
    let engine: MinibatchGradient<Scalar>
    let loss: LossFunction

    var singleThreadedBLAS: Bool { engine.parts > 1 }
    var averaging: LossAveraging { .perSample }
    func beginEpoch(_: Int, skippingSteps _: Int) {}

    func evaluate(at points: [ParameterVector<Scalar>], batch: BatchLoader<Scalar>) -> OptimizationStepValue {
        let result = engine.compute(points[0], loader: batch, loss: loss)
        return OptimizationStepValue(loss: result.lossSum, correct: result.correct)
    }

    func gradient() -> [ParameterVector<Scalar>] { engine.gradientParts }
    func updateBuffers(of points: inout [ParameterVector<Scalar>]) { engine.updateRunningStatistics(&points[0]) }
    func gradientScale(ofPoint _: Int) -> Double { 1 }
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
        do { try network.requireInputs(of: dataset) } catch {
            throw TrainingError.invalidConfiguration(error.description)
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
        return TrainingState(starting: [theta], optimizer: configuration.optimizer)
    }

    /// Trains from `state` to the configured number of epochs with ``ResumableOptimization``.
    /// `afterEpoch` sees the state after each epoch and, when `checkpointEvery` = N > 0, also after
    /// every N-th step (counted over the whole run) inside an epoch (`completedSteps > 0`) — to
    /// checkpoint it. A state saved part-way resumes bit-identically: the epoch's order is recomputed
    /// from (seed, epoch) and the run continues at `completedSteps` with the epoch's running sums. On
    /// a non-finite loss (``TrainingError/nonFiniteLoss(epoch:step:loss:)``) or gradient
    /// (``NonFiniteGradientError``) it throws before updating θ; the last checkpoint has been passed
    /// to `afterEpoch` already.
    @_specialize(exported:true,where Scalar == Float)
    @_specialize(exported:true,where Scalar == Double)
    public func run(
        from state: TrainingState<Scalar>, checkpointEvery: Int = 0,
        afterEpoch: (TrainingState<Scalar>) throws -> Void = { _ in }
    ) throws -> TrainingState<Scalar> {
        let driver = ResumableOptimization<Scalar>(
            configuration: configuration, train: dataset.train, progress: progress)
        let objective = TrainingObjective(
            engine: MinibatchGradient<Scalar>(network: network, batchSize: driver.batchSize), loss: lossFunction)
        let epochs = configuration.epochs
        return try driver.run(
            objective, from: state, checkpointEvery: checkpointEvery,
            record: { done, state in
                let seen = done.sums.samples
                // The running means follow the one accuracy rule of every evaluator (SplitMetrics).
                let running = SplitMetrics(
                    MetricSums(loss: done.sums.loss, correct: done.sums.correct), count: seen,
                    targets: dataset.train.targets)
                let test = dataset.test.map { network.evaluate(state.parameters, on: $0, loss: lossFunction) }
                return EpochRecord(
                    epoch: done.epoch, learningRate: done.learningRate, runningTrain: running, test: test,
                    seconds: done.seconds, samplesPerSecond: Double(seen) / max(done.seconds, 1e-9))
            }, summary: { Self.summary($1, epochs: epochs) }, afterEpoch: afterEpoch)
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
