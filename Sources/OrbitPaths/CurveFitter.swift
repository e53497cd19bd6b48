import Foundation
import OrbitData
import OrbitNetworks
import OrbitNumerics
import OrbitTraining

/// Where a curve fit stands after a completed epoch, or part-way through one: the bends (the
/// points), their optimisers' moments, the mean minibatch loss of each epoch (at the sampled t) and
/// the position inside the epoch — enough to resume it bit-identically (see ``OptimizationState``;
/// on resume the epoch's shuffle is recomputed and its t generator advanced past the steps done).
public typealias CurveState<Scalar: BLASScalar> = OptimizationState<Scalar, CurveRun>

/// Curve fitting, as a kind of resumable optimisation: its record is the epoch's mean minibatch loss
/// along the curve.
public enum CurveRun: OptimizationRun {
    public typealias Record = Double
    public typealias Configuration = TrainingConfiguration
    public static var kind: OptimizationKind { .curve }
}

extension OptimizationState where Run == CurveRun {
    /// The free (interior) control points P₁ … P_k of a curve fit.
    public var bends: [ParameterVector<Scalar>] {
        get { points }
        _modify { yield &points }
        set { points = newValue }
    }
}

/// A curve-fitting step for ``ResumableOptimization``: draws t ~ U(0, 1) from the epoch's generator,
/// forms θ(t) = Σ c_i(t)·P_i in place (one pass, no allocation of θ) and runs forward and backward
/// there; bend i then receives c_i(t)·∇L(θ(t)).
struct CurveObjective<Scalar: BLASScalar>: OptimizationObjective {
    let engine: MinibatchGradient<Scalar>
    let loss: LossFunction
    let kind: AffinePath<Scalar>.Kind
    let start: ParameterVector<Scalar>
    let end: ParameterVector<Scalar>
    let seed: UInt64
    var theta: ParameterVector<Scalar>
    var tGenerator = SeededGenerator(seed: 0)
    /// c_0(t) … c_{k+1}(t) of the step's t.
    var coefficients: [Double] = []

    /// Only the forward and backward pass runs with single-threaded BLAS (wrapped in ``evaluate``); the
    /// sum of the parts' gradients keeps BLAS's threads, as curve fitting always did, so fits
    /// recorded earlier reproduce bit for bit.
    var singleThreadedBLAS: Bool { false }
    var averaging: LossAveraging { .perStep }

    mutating func beginEpoch(_ epoch: Int, skippingSteps skipped: Int) {
        tGenerator = SeededGenerator(seed: seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(epoch))
        for _ in 0..<skipped { _ = tGenerator.nextUnitDouble() }
    }

    mutating func evaluate(at points: [ParameterVector<Scalar>], batch: BatchLoader<Scalar>) -> OptimizationStepValue {
        let t = tGenerator.nextUnitDouble()
        coefficients = AffinePath<Scalar>.coefficients(kind: kind, count: points.count + 2, at: t)
        theta.formCombination(coefficients.map { Scalar($0) }, [start] + points + [end])
        let result = Threading.withSingleThreadedBLAS(when: engine.parts > 1) {
            engine.compute(theta, loader: batch, loss: loss)
        }
        return OptimizationStepValue(loss: result.lossSum / Double(batch.count))
    }

    func gradient() -> [ParameterVector<Scalar>] { engine.gradientParts }
    /// ∂L/∂P_i = c_i(t)·∇L(θ(t)); the scale is applied inside the optimiser's pass.
    func gradientScale(ofPoint index: Int) -> Double { coefficients[index + 1] }
}

/// Learns the interior control points of a Bézier curve or polygonal chain between two fixed end
/// points so that the loss is low all along it (Garipov et al. 2018, "Loss surfaces, mode
/// connectivity, and fast ensembling of DNNs").
///
/// Minimises E_{t∼U(0,1)} L(θ(t)) with θ(t) = Σ c_i(t)·P_i: each minibatch draws one t, runs forward
/// and backward at θ(t), and each free point P_i receives c_i(t)·∇L(θ(t)) (the chain rule, since θ is
/// linear in P_i). Cost per step: one training step of the network plus O(k·|θ|) to form θ(t).
/// The epoch's shuffle and the t's are drawn from generators seeded by (seed, epoch), so a resumed
/// fit reproduces the uninterrupted one.
public final class CurveFitter<Scalar: BLASScalar> {
    public let network: Network
    public let dataset: Dataset
    public let kind: AffinePath<Scalar>.Kind
    public let start: ParameterVector<Scalar>
    public let end: ParameterVector<Scalar>
    public let configuration: TrainingConfiguration
    public let progress: ProgressReporter

    public init(
        network: Network, dataset: Dataset, kind: AffinePath<Scalar>.Kind, from start: ParameterVector<Scalar>,
        to end: ParameterVector<Scalar>, configuration: TrainingConfiguration,
        progress: ProgressReporter = ProgressReporter(style: .quiet)
    ) throws {
        try network.layout.requireMatches(start.layout)
        try network.layout.requireMatches(end.layout)
        guard kind == .bezier || kind == .polygonalChain else {
            throw PathError.unsupportedCurveKind("\(kind)")
        }
        try network.requireFits(dataset, model: "the curve's end points")
        self.network = network
        self.dataset = dataset
        self.kind = kind
        self.start = start
        self.end = end
        self.configuration = configuration
        self.progress = progress
    }

    /// Bends initialised on the segment (P_j at j/(k+1), the midpoint for one bend), or at `given`.
    public func initialState(bends count: Int = 1, given: [ParameterVector<Scalar>]? = nil) -> CurveState<Scalar> {
        let bends =
            given ?? (1...count).map { j in ParameterVector.lerp(start, end, Scalar(Double(j) / Double(count + 1))) }
        return CurveState(starting: bends, optimizer: configuration.optimizer)
    }

    /// The curve through the end points and `state`'s bends.
    public func path(_ state: CurveState<Scalar>) -> AffinePath<Scalar> {
        AffinePath(kind: kind, controlPoints: [start] + state.bends + [end])
    }

    /// Fits from `state` to the configured number of epochs with ``ResumableOptimization``;
    /// `afterEpoch` sees each completed epoch and, when `checkpointEvery` = N > 0, the state after
    /// every N-th step (counted over the whole fit) inside an epoch (`completedSteps > 0`), which
    /// resumes bit-identically. A non-finite loss or gradient throws (naming epoch and step) before
    /// the bends are updated.
    @_specialize(exported:true,where Scalar == Float)
    @_specialize(exported:true,where Scalar == Double)
    public func run(
        from state: CurveState<Scalar>, checkpointEvery: Int = 0,
        afterEpoch: (CurveState<Scalar>) throws -> Void = { _ in }
    ) throws -> CurveState<Scalar> {
        let driver = ResumableOptimization<Scalar>(
            configuration: configuration, train: dataset.train, progress: progress)
        let objective = CurveObjective(
            engine: MinibatchGradient<Scalar>(network: network, batchSize: driver.batchSize),
            loss: configuration.loss ?? dataset.train.targets.defaultLoss, kind: kind, start: start, end: end,
            seed: configuration.seed, theta: ParameterVector<Scalar>(layout: network.layout))
        let epochs = configuration.epochs
        return try driver.run(
            objective, from: state, checkpointEvery: checkpointEvery,
            record: { done, _ in done.sums.loss / Double(done.steps) },
            summary: { epoch, loss in
                "curve epoch \(epoch)/\(epochs)  mean loss along the curve \(String(format: "%.4f", loss))"
            }, afterEpoch: afterEpoch)
    }
}
