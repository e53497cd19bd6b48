/// What ``ResumableOptimization`` needs from a run's configuration: the epochs, the minibatch size,
/// the optimiser with its base learning rate η₀ and schedule, and the seed of every epoch's
/// shuffle. ``TrainingConfiguration`` (training, curve fitting) and the centre finder's
/// configuration conform; the state file stores the whole configuration (JSON), so a resume with
/// other options is refused.
public protocol OptimizationConfiguration: Codable, Hashable, Sendable {
    var epochs: Int { get }
    var batchSize: Int { get }
    var learningRate: Double { get }
    var optimizer: Optimizer { get }
    var schedule: LearningRateSchedule { get }
    /// Seeds every epoch's shuffle (`seed &+ 0x632B_E59B_D9B4_E019 &* epoch`) and the client's own draws.
    var seed: UInt64 { get }
}

extension TrainingConfiguration: OptimizationConfiguration {}
