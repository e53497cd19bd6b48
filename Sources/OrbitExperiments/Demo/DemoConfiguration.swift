import OrbitData
import OrbitTraining

/// What `orbit demo` trains and measures. The full setting runs in a few minutes on a 2-core
/// machine; the quick setting (tests, CI) in seconds on a synthetic problem.
public struct DemoConfiguration: Sendable {
    /// Data set specification; the demo falls back to ``syntheticFallback`` when it is unavailable.
    public var data: String
    /// Samples per split (nil: all).
    public var limit: Int?
    public var architecture: String
    public var seeds: [UInt64]
    public var training: TrainingConfiguration
    /// Epochs of Bézier fitting between the first two models (Garipov et al. 2018).
    public var curveEpochs: Int
    /// Epochs of star-centre fitting for all models (Lin, Li & Wu 2024).
    public var centreEpochs: Int
    /// Points of every path profile, both ends and t = ½ included.
    public var points: Int
    /// Largest factor of the random rescaling in the symmetry check (factors in [1/r, r]).
    public var rescalingRange: Double
    public var quick: Bool
    /// The convolutional part (two ResNet-20s with BatchNorm), run when the data are images.
    public var convolutional: DemoConvolutionalSetting?

    /// The full demo: three 784-256-256-10 ReLU MLPs on Fashion-MNIST.
    public static let full = DemoConfiguration(
        data: "fashion-mnist", limit: nil, architecture: "mlp:784-256-256-10:relu", seeds: [1, 2, 3],
        training: TrainingConfiguration(
            epochs: 8, batchSize: 128, learningRate: 0.05, optimizer: .sgd(momentum: 0.9), seed: 1),
        curveEpochs: 4, centreEpochs: 4, points: 25, rescalingRange: 10, quick: false,
        convolutional: DemoConvolutionalSetting(
            architecture: "resnet20:w=8", seeds: [1, 2], trainSamples: 6000, testSamples: 2000,
            training: TrainingConfiguration(
                epochs: 3, batchSize: 128, learningRate: 0.05, optimizer: .sgd(momentum: 0.9), schedule: .cosine,
                seed: 1),
            points: 9))

    /// Seconds, for tests and CI: a small synthetic classification-free problem.
    public static let quickSetting = DemoConfiguration(
        data: syntheticFallback, limit: nil, architecture: "mlp:8-32-32-1:relu", seeds: [1, 2, 3],
        training: TrainingConfiguration(
            epochs: 3, batchSize: 64, learningRate: 0.02, optimizer: .sgd(momentum: 0.9), seed: 1),
        curveEpochs: 2, centreEpochs: 2, points: 9, rescalingRange: 4, quick: true)

    /// The problem used when the data set is missing: a two-layer ReLU teacher (Lin, Li & Wu's
    /// teacher–student setting), regression with mean-squared error.
    public static let syntheticFallback = "synthetic:teacher-student:d=8,M=4,n=2000,test=500,seed=7"
    /// The network used with the fallback data.
    public static let syntheticArchitecture = "mlp:8-32-32-1:relu"

    public init(
        data: String, limit: Int?, architecture: String, seeds: [UInt64], training: TrainingConfiguration,
        curveEpochs: Int, centreEpochs: Int, points: Int, rescalingRange: Double, quick: Bool,
        convolutional: DemoConvolutionalSetting? = nil
    ) {
        self.convolutional = convolutional
        self.data = data
        self.limit = limit
        self.architecture = architecture
        self.seeds = seeds
        self.training = training
        self.curveEpochs = curveEpochs
        self.centreEpochs = centreEpochs
        self.points = points
        self.rescalingRange = rescalingRange
        self.quick = quick
    }
}
