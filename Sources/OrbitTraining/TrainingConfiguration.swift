import OrbitNetworks

/// Everything that determines a training run besides the network and the data. With the same
/// configuration, data and thread count, training gives bit-identical parameters.
public struct TrainingConfiguration: Hashable, Sendable, Codable {
    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Double
    public var optimizer: Optimizer
    public var schedule: LearningRateSchedule
    /// Seeds the initial parameters and every epoch's shuffle.
    public var seed: UInt64
    public var initialization: Initialization
    /// The loss; nil picks cross-entropy for class labels and squared error for values.
    public var loss: LossFunction?

    public init(
        epochs: Int = 10, batchSize: Int = 128, learningRate: Double = 0.01,
        optimizer: Optimizer = .sgd(momentum: 0.9), schedule: LearningRateSchedule = .constant,
        seed: UInt64 = 0, initialization: Initialization = .pytorch, loss: LossFunction? = nil
    ) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.optimizer = optimizer
        self.schedule = schedule
        self.seed = seed
        self.initialization = initialization
        self.loss = loss
    }
}

/// The metrics of one epoch.
public struct EpochRecord: Hashable, Sendable, Codable {
    public var epoch: Int
    /// The learning rate at the epoch's last step.
    public var learningRate: Double
    /// Mean minibatch loss and accuracy seen during the epoch (as PyTorch loops usually log them).
    public var runningTrain: SplitMetrics
    /// Full evaluation of the test split at the end of the epoch, when there is one.
    public var test: SplitMetrics?
    public var seconds: Double
    public var samplesPerSecond: Double
}

/// Why training stopped early.
public enum TrainingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The minibatch loss became NaN or ±∞ (learning rate too high, or bad data).
    case nonFiniteLoss(epoch: Int, step: Int, loss: Double)
    case invalidConfiguration(String)
    /// A state file given to resume the run belongs to another run (or is unreadable).
    case stateFile(OptimizationStateError)

    public var description: String {
        switch self {
        case .nonFiniteLoss(let epoch, let step, let loss):
            return
                "training stopped: the loss became \(loss) at epoch \(epoch), step \(step) (try a smaller learning rate; the last checkpoint is kept)"
        case .invalidConfiguration(let reason):
            return "invalid training configuration: \(reason)"
        case .stateFile(let error):
            return error.description
        }
    }
}
