import OrbitNetworks
import OrbitTraining

/// Everything that determines a centre fit besides the network, the data and the feet (Lin, Li & Wu
/// 2024, §5, Eq. 6–7). With the same configuration, data, feet, initial centre and thread count, a
/// fit gives a bit-identical centre (also across ``CentreStateFile`` resumes).
///
/// The defaults are the paper's: Adam with learning rate 0.01, minibatches of 200, B_r = 1 foot and
/// B_t = 3 values of t per step, no penalty (λ = 0; the NGD estimate of Eq. 8 uses p = ‖θ − θ_i‖²
/// with λ > 0), 200 epochs.
public struct CentreConfiguration: Hashable, Sendable, Codable {
    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Double
    public var optimizer: Optimizer
    public var schedule: LearningRateSchedule
    /// B_r, feet drawn (uniformly, with replacement) per step.
    public var feetPerStep: Int
    /// B_t, values t ~ U(0, 1) per foot and step.
    public var tPerStep: Int
    /// λ of the penalty λ·‖θ − θ_i‖² (0: none).
    public var penalty: Double
    /// Seeds every epoch's shuffle and the feet and t drawn at each step.
    public var seed: UInt64
    /// The loss; nil picks cross-entropy for class labels and squared error for values.
    public var loss: LossFunction?
    /// Tensors kept at their initial value (their gradient is zeroed before each step), e.g. the fixed
    /// unit output weights of the paper's teacher–student students (§4.1). A zero gradient leaves
    /// SGD and Adam without weight decay exactly where they started. Empty by default.
    public var frozenTensors: [String]

    public init(
        epochs: Int = 200, batchSize: Int = 200, learningRate: Double = 0.01, optimizer: Optimizer = .adam(),
        schedule: LearningRateSchedule = .constant, feetPerStep: Int = 1, tPerStep: Int = 3, penalty: Double = 0,
        seed: UInt64 = 0, loss: LossFunction? = nil, frozenTensors: [String] = []
    ) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.optimizer = optimizer
        self.schedule = schedule
        self.feetPerStep = feetPerStep
        self.tPerStep = tPerStep
        self.penalty = penalty
        self.seed = seed
        self.loss = loss
        self.frozenTensors = frozenTensors
    }

    /// Throws unless every count is positive and λ ≥ 0.
    public func validate() throws(StarError) {
        guard epochs >= 0 else { throw .invalidConfiguration("epochs must be ≥ 0, got \(epochs)") }
        guard batchSize >= 1 else { throw .invalidConfiguration("batch size must be ≥ 1, got \(batchSize)") }
        guard feetPerStep >= 1 else { throw .invalidConfiguration("feet per step must be ≥ 1, got \(feetPerStep)") }
        guard tPerStep >= 1 else { throw .invalidConfiguration("t values per step must be ≥ 1, got \(tPerStep)") }
        guard penalty >= 0, penalty.isFinite else {
            throw .invalidConfiguration("the penalty λ must be ≥ 0, got \(penalty)")
        }
        guard learningRate > 0, learningRate.isFinite else {
            throw .invalidConfiguration("the learning rate must be positive, got \(learningRate)")
        }
    }
}
