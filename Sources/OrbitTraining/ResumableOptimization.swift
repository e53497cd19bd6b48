import Foundation
import OrbitData
import OrbitNetworks
import OrbitNumerics

/// A completed epoch, for the client to turn into its record.
public struct EpochSummary: Sendable {
    public var epoch: Int
    public var sums: EpochSums
    /// Steps per epoch.
    public var steps: Int
    /// The learning rate at the epoch's last step.
    public var learningRate: Double
    /// Wall time of the epoch (of its resumed part, after a resume).
    public var seconds: Double

    @inlinable
    public init(epoch: Int, sums: EpochSums, steps: Int, learningRate: Double, seconds: Double) {
        self.epoch = epoch
        self.sums = sums
        self.steps = steps
        self.learningRate = learningRate
        self.seconds = seconds
    }
}

/// The resumable minibatch optimisation loop that training (``Trainer``), curve fitting and star
/// centre finding share.
///
/// Each epoch e visits every training sample once in an order shuffled by a generator seeded with
/// `seed &+ 0x632B_E59B_D9B4_E019 &* e` (so a resumed run reshuffles exactly as the uninterrupted
/// one), in batches of `batchSize` (the last may be smaller). Per step: load the batch, let the
/// client evaluate the objective and gradient, stop on a non-finite loss, take the learning rate
/// η₀·schedule(s) at global step s, and update every point with its own optimiser in one fused pass
/// (the non-finite guard rides along it, ``NonFiniteGuard/afterStep(_:gradients:parameters:epoch:step:)``).
/// The state is handed to `afterEpoch` after every epoch and after every N-th step counted over the
/// whole run; a state saved part-way resumes bit-identically from its ``OptimizationState/completedSteps``
/// and running sums. Progress reports samples/s and the ETA over the samples still to visit.
///
/// Cost per step: the client's step plus one optimiser pass per point; nothing is allocated by the
/// driver inside an epoch.
public struct ResumableOptimization<Scalar: BLASScalar> {
    public let epochs: Int
    public let learningRate: Double
    public let optimizer: Optimizer
    public let schedule: LearningRateSchedule
    public let seed: UInt64
    public let train: DataSplit
    public let progress: ProgressReporter
    /// The minibatch size used: the configured one, at most the number of samples.
    public let batchSize: Int

    public init(
        configuration: some OptimizationConfiguration, train: DataSplit, progress: ProgressReporter
    ) {
        epochs = configuration.epochs
        learningRate = configuration.learningRate
        optimizer = configuration.optimizer
        schedule = configuration.schedule
        seed = configuration.seed
        self.train = train
        self.progress = progress
        batchSize = min(configuration.batchSize, max(train.count, 1))
    }

    public var stepsPerEpoch: Int { (train.count + batchSize - 1) / batchSize }

    /// The seed of epoch `epoch`'s shuffle (from 1), on which bit-identical resume depends.
    @inlinable
    public static func shuffleSeed(_ seed: UInt64, epoch: Int) -> UInt64 {
        seed &+ 0x632B_E59B_D9B4_E019 &* UInt64(epoch)
    }

    /// Runs `objective` from `state` to the configured number of epochs. `record` turns each finished
    /// epoch (with the state at its end) into the client's record, `summary` the epoch and its record
    /// into the line progress prints; `afterEpoch` sees the state after each epoch and, with
    /// `checkpointEvery` = N > 0, after every N-th step (over the whole run) inside an epoch — to
    /// checkpoint it. A non-finite loss (``TrainingError/nonFiniteLoss(epoch:step:loss:)``) throws
    /// before any update, a non-finite update (``NonFiniteGradientError``) before any checkpoint, so
    /// the last state passed to `afterEpoch` is good.
    ///
    /// `@inlinable` so that each client's `run`, specialised for Float and Double, specialises this
    /// loop for its concrete objective: the per-step calls are then direct, and the kernels inside
    /// them run specialised.
    @inlinable
    public func run<Objective: OptimizationObjective, Run>(
        _ objective: Objective, from state: OptimizationState<Scalar, Run>, checkpointEvery: Int,
        record: (EpochSummary, OptimizationState<Scalar, Run>) throws -> Run.Record,
        summary: (_ epoch: Int, Run.Record) -> String,
        afterEpoch: (OptimizationState<Scalar, Run>) throws -> Void
    ) throws -> OptimizationState<Scalar, Run> where Objective.Scalar == Scalar {
        var state = state
        var objective = objective
        let n = train.count
        let batch = batchSize
        let stepsPerEpoch = self.stepsPerEpoch
        let totalSteps = stepsPerEpoch * epochs
        let loader = BatchLoader<Scalar>(split: train, capacity: batch)
        let optimizers = state.optimizers.map { snapshot in
            let o = OptimizerState<Scalar>(optimizer, count: snapshot.first.count)
            o.restore(snapshot)
            return o
        }
        var order = Array(0..<n)
        let runStart = Date()
        var samplesDone = 0

        while state.completedEpochs < epochs {
            let epoch = state.completedEpochs + 1
            let epochStart = Date()
            var generator = SeededGenerator(seed: Self.shuffleSeed(seed, epoch: epoch))
            for i in 0..<n { order[i] = i }
            order.withUnsafeMutableBufferPointer { fisherYatesShuffle($0, using: &generator) }
            // A state saved part-way through this epoch continues where it stopped.
            let firstStep = min(state.completedSteps, stepsPerEpoch)
            objective.beginEpoch(epoch, skippingSteps: firstStep)
            var sums = state.partial
            var rate = learningRate
            // A step split across the cores runs BLAS on one thread per part.
            try Threading.withSingleThreadedBLAS(when: objective.singleThreadedBLAS) {
                for s in firstStep..<stepsPerEpoch {
                    let lower = s * batch, upper = min(lower + batch, n)
                    loader.load(order[lower..<upper])
                    let value = objective.evaluate(at: state.points, batch: loader)
                    guard value.loss.isFinite else {
                        throw TrainingError.nonFiniteLoss(epoch: epoch, step: s + 1, loss: value.loss)
                    }
                    let gradients = objective.gradient()
                    rate = schedule.rate(
                        base: learningRate, step: (epoch - 1) * stepsPerEpoch + s, totalSteps: totalSteps,
                        stepsPerEpoch: stepsPerEpoch)
                    for i in state.points.indices {
                        let scale = objective.gradientScale(ofPoint: i)
                        if scale == 0 { continue }
                        try NonFiniteGuard.afterStep(
                            optimizers[i].step(
                                &state.points[i], gradients: gradients, learningRate: rate, gradientScale: scale),
                            gradients: gradients, parameters: state.points[i], epoch: epoch, step: s + 1)
                    }
                    objective.updateBuffers(of: &state.points)
                    sums.loss += value.loss
                    sums.correct += value.correct ?? 0
                    sums.samples += upper - lower
                    samplesDone += upper - lower
                    let globalStep = (epoch - 1) * stepsPerEpoch + s + 1
                    if checkpointEvery > 0, globalStep % checkpointEvery == 0, s + 1 < stepsPerEpoch {
                        var partial = state
                        partial.completedSteps = s + 1
                        partial.partial = sums
                        for (i, o) in optimizers.enumerated() { partial.optimizers[i] = o.checkpoint }
                        try afterEpoch(partial)
                    }
                    let elapsed = Date().timeIntervalSince(runStart)
                    let speed = Double(samplesDone) / max(elapsed, 1e-9)
                    let remaining = Double((epochs - epoch) * n + (n - upper))
                    let divisor = objective.averaging == .perSample ? Double(sums.samples) : Double(s + 1)
                    progress.update(
                        epoch: epoch, epochs: epochs, fraction: Double(upper) / Double(n), loss: sums.loss / divisor,
                        accuracy: value.correct == nil ? nil : Double(sums.correct) / Double(sums.samples),
                        samplesPerSecond: speed, eta: remaining / speed)
                }
            }
            let done = EpochSummary(
                epoch: epoch, sums: sums, steps: stepsPerEpoch, learningRate: rate,
                seconds: Date().timeIntervalSince(epochStart))
            state.history.append(try record(done, state))
            state.completedEpochs = epoch
            state.completedSteps = 0
            state.partial = EpochSums()
            for (i, o) in optimizers.enumerated() { state.optimizers[i] = o.checkpoint }
            progress.finishEpoch(summary(epoch, state.history[state.history.count - 1]))
            try afterEpoch(state)
        }
        return state
    }
}
