import Foundation
import OrbitData
import OrbitNetworks
import OrbitNumerics
import OrbitTraining

/// Where a centre fit stands after a completed epoch, or part-way through one: the centre (the one
/// point), its optimiser's moments, the mean minibatch objective of each epoch (at the sampled feet
/// and t) and the position inside the epoch — enough to resume it bit-identically (see
/// ``OptimizationState``; on resume the epoch's shuffle is recomputed from (seed, epoch) and its
/// feet/t generator advanced past the steps done).
public typealias CentreState<Scalar: BLASScalar> = OptimizationState<Scalar, CentreRun>

/// Centre finding, as a kind of resumable optimisation: its record is the epoch's mean minibatch
/// objective of Eq. 7.
public enum CentreRun: OptimizationRun {
    public typealias Record = Double
    public typealias Configuration = CentreConfiguration
    public static var kind: OptimizationKind { .centre }
}

extension OptimizationState where Run == CentreRun {
    /// The centre θ of a centre fit.
    public var centre: ParameterVector<Scalar> {
        get { points[0] }
        _modify { yield &points[0] }
        set { points[0] = newValue }
    }

    /// Σ of the epoch's per-step objectives so far (so the resumed epoch's mean equals the
    /// uninterrupted one's bit for bit).
    public var partialObjectiveSum: Double {
        get { partial.loss }
        set { partial.loss = newValue }
    }
}

extension CentreConfiguration: OptimizationConfiguration {}

/// The feet and t a centre-finding step draws: per step B_r foot indices i_k ~ Unif([r]), then B_t
/// values t_j ~ U(0, 1), all from one generator seeded by (seed, epoch). Each step takes exactly
/// B_r + B_t uniforms, so a resumed epoch skips s steps by discarding s·(B_r + B_t) of them — the
/// same stream the uninterrupted fit consumed (as ``CurveFitter`` skips its t's).
struct CentreDraws {
    var generator: SeededGenerator
    let feetCount: Int

    init(seed: UInt64, epoch: Int, feetCount: Int) {
        generator = SeededGenerator(seed: seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(epoch))
        self.feetCount = feetCount
    }

    /// Discards the draws of `steps` steps. O(steps·(B_r + B_t)).
    mutating func skip(steps: Int, feetPerStep: Int, tPerStep: Int) {
        for _ in 0..<(steps * (feetPerStep + tPerStep)) { _ = generator.nextUnitDouble() }
    }

    /// Fills `feet` (B_r indices) and `t` (B_t values) with the next step's draws.
    mutating func next(feet: inout [Int], t: inout [Double]) {
        let r = feetCount
        for k in feet.indices { feet[k] = min(Int(generator.nextUnitDouble() * Double(r)), r - 1) }
        for j in t.indices { t[j] = generator.nextUnitDouble() }
    }
}

/// A centre-finding step for ``ResumableOptimization``: draws the step's feet and t, and leaves the
/// gradient of Eq. 7 at the centre in the engine (``CentreFitter/stepGradient(centre:feet:t:engine:loader:)``).
struct CentreObjective<Scalar: BLASScalar>: OptimizationObjective {
    let fitter: CentreFitter<Scalar>
    let engine: CentreGradientEngine<Scalar>
    var draws: CentreDraws
    var feetIndices: [Int]
    var t: [Double]

    var singleThreadedBLAS: Bool { engine.parts > 1 }
    var averaging: LossAveraging { .perStep }

    mutating func beginEpoch(_ epoch: Int, skippingSteps skipped: Int) {
        let configuration = fitter.configuration
        draws = CentreDraws(seed: configuration.seed, epoch: epoch, feetCount: fitter.feet.count)
        draws.skip(steps: skipped, feetPerStep: configuration.feetPerStep, tPerStep: configuration.tPerStep)
    }

    mutating func evaluate(at points: [ParameterVector<Scalar>], batch: BatchLoader<Scalar>) -> OptimizationStepValue {
        draws.next(feet: &feetIndices, t: &t)
        return OptimizationStepValue(
            loss: fitter.stepGradient(centre: points[0], feet: feetIndices, t: t, engine: engine, loader: batch))
    }

    /// Read once: with more than two parts this sums parts 2… into part 1.
    func gradient() -> [ParameterVector<Scalar>] { engine.gradientParts }
    func gradientScale(ofPoint _: Int) -> Double { 1 }
}

/// Finds a star centre for a set of minima (the feet θ_1 … θ_r): Lin, Li & Wu 2024, §5, Eq. 6–7.
///
/// Minimises J_S(θ) = (1/r)·Σ_i [E_{t∼U(0,1)} R(t·θ + (1 − t)·θ_i) + λ·‖θ − θ_i‖²] with Adam (the
/// paper's optimiser; any ``Optimizer`` works). Each step loads one data minibatch, draws B_r feet
/// i_k ~ Unif([r]) and for each B_t values t_j ~ U(0, 1), and steps along the stochastic gradient of
/// Eq. 7:
///
///     g = (1/(B_r·B_t))·Σ_k Σ_j t_j·∇R_batch(t_j·θ + (1 − t_j)·θ_{i_k}) + (2λ/B_r)·Σ_k (θ − θ_{i_k}),
///
/// because the arm point is affine in θ with coefficient t (the chain rule; the same idea as
/// Garipov et al.'s curve fitting, ``CurveFitter``, where a bend receives c_i(t)·∇L). All B_t points
/// use the same minibatch (the paper's pseudo-code, docs/math/star.md §4).
///
/// Cost per step: B_r·B_t forward and backward passes of the network on one minibatch (each batch
/// split across the cores), with the first layer's forward GEMM shared between the t values of a
/// foot (``CentreGradientEngine``), plus B_r·B_t O(|θ|) passes to form the arm points and add their
/// scaled gradients, and one fused optimiser pass. Nothing is allocated per step.
/// The epoch's shuffle and its feet and t draws come from generators seeded by (seed, epoch), so a
/// fit resumed from an epoch boundary or from a state saved every N steps (``CentreState/completedSteps``)
/// reproduces the uninterrupted one bit for bit (for the same thread count).
public final class CentreFitter<Scalar: BLASScalar> {
    public let network: Network
    public let dataset: Dataset
    /// The minima the centre must see along straight lines.
    public let feet: [ParameterVector<Scalar>]
    public let configuration: CentreConfiguration
    public let progress: ProgressReporter
    let lossFunction: LossFunction
    let frozenRanges: [Range<Int>]

    public init(
        network: Network, dataset: Dataset, feet: [ParameterVector<Scalar>], configuration: CentreConfiguration,
        progress: ProgressReporter = ProgressReporter(style: .quiet)
    ) throws {
        try configuration.validate()
        guard feet.count >= 2 else { throw StarError.tooFewFeet(feet.count) }
        for (i, foot) in feet.enumerated() {
            do { try network.layout.requireMatches(foot.layout) } catch {
                throw StarError.layoutMismatch(foot: "foot \(i + 1)", reason: error.description)
            }
        }
        do { try network.requireInputs(of: dataset) } catch {
            throw StarError.invalidConfiguration(error.description)
        }
        guard dataset.train.count >= 1 else { throw StarError.invalidConfiguration("the training split is empty") }
        var ranges: [Range<Int>] = []
        for name in configuration.frozenTensors {
            guard let spec = network.layout.tensor(named: name) else {
                throw StarError.invalidConfiguration("no tensor '\(name)' to freeze in the network")
            }
            ranges.append(spec.offset..<(spec.offset + spec.count))
        }
        self.network = network
        self.dataset = dataset
        self.feet = feet
        self.configuration = configuration
        self.progress = progress
        lossFunction = configuration.loss ?? dataset.train.targets.defaultLoss
        frozenRanges = ranges
    }

    /// The mean of the feet, (1/r)·Σ_i θ_i (the paper leaves the initialisation open; docs/math/star.md §4).
    public var feetMean: ParameterVector<Scalar> {
        var mean = ParameterVector<Scalar>(layout: network.layout)
        for foot in feet { mean.add(foot, scaledBy: 1 / Scalar(feet.count)) }
        return mean
    }

    /// The state before the first epoch: the centre at `initial` (default: the feet's mean).
    public func initialState(centre initial: ParameterVector<Scalar>? = nil) throws -> CentreState<Scalar> {
        let centre = initial ?? feetMean
        do { try network.layout.requireMatches(centre.layout) } catch {
            throw StarError.layoutMismatch(foot: "the initial centre", reason: error.description)
        }
        return CentreState(starting: [centre], optimizer: configuration.optimizer)
    }

    /// The stochastic objective of Eq. 7 and its gradient at `centre` for given draws: the feet
    /// `feetIndices`, the values `t` (used for every foot) and the training rows `rows`:
    /// (1/(|K|·|T|))·Σ_k Σ_j R_rows(t_j·θ + (1 − t_j)·θ_k) + (λ/|K|)·Σ_k ‖θ − θ_k‖². The exact
    /// computation a training step performs (for tests: finite differences check it).
    public func objective(
        at centre: ParameterVector<Scalar>, feet feetIndices: [Int], t: [Double], rows: Range<Int>
    ) -> (value: Double, gradient: ParameterVector<Scalar>) {
        let engine = CentreGradientEngine<Scalar>(network: network, batchSize: rows.count, tCount: t.count)
        let loader = BatchLoader<Scalar>(split: dataset.train, capacity: rows.count)
        loader.load(rows)
        let value = Threading.withSingleThreadedBLAS(when: engine.parts > 1) {
            stepGradient(centre: centre, feet: feetIndices, t: t, engine: engine, loader: loader)
        }
        return (value, engine.gradient)
    }

    /// Leaves the step's gradient in `engine`'s accumulators and returns the objective's value.
    func stepGradient(
        centre: ParameterVector<Scalar>, feet feetIndices: [Int], t: [Double], engine: CentreGradientEngine<Scalar>,
        loader: BatchLoader<Scalar>
    ) -> Double {
        let share = 1 / Double(feetIndices.count * t.count)
        var value = 0.0
        for (k, i) in feetIndices.enumerated() {
            value += engine.accumulate(
                centre: centre, foot: feet[i], t: t, share: share, loader: loader, loss: lossFunction,
                overwrite: k == 0)
        }
        if configuration.penalty > 0 {
            let lambda = configuration.penalty / Double(feetIndices.count)
            for i in feetIndices {
                value +=
                    lambda
                    * CentreKernels.addDifference(
                        centre: centre, foot: feet[i], scale: 2 * lambda, into: &engine.accumulators[0])
            }
        }
        if !frozenRanges.isEmpty {
            for p in engine.accumulators.indices {
                engine.accumulators[p].withUnsafeMutableBufferPointer { g in
                    for range in frozenRanges { for i in range { g[i] = 0 } }
                }
            }
        }
        return value
    }

    /// Steps from `state` to the configured number of epochs with ``ResumableOptimization``;
    /// `afterEpoch` sees each completed epoch and, when `checkpointEvery` = N > 0, the state after
    /// every N-th step (counted over the whole fit) inside an epoch (`completedSteps > 0`) — to
    /// checkpoint it. A state saved part-way resumes bit-identically: the epoch's order is recomputed
    /// from (seed, epoch), the feet/t generator skips the draws of the steps done, and the epoch's
    /// objective sum continues. On a non-finite objective (``TrainingError/nonFiniteLoss(epoch:step:loss:)``)
    /// or gradient (``NonFiniteGradientError``, naming the tensor and index) it throws before
    /// updating θ, so nothing after the last good step reaches `afterEpoch`.
    @_specialize(exported:true,where Scalar == Float)
    @_specialize(exported:true,where Scalar == Double)
    public func run(
        from state: CentreState<Scalar>, checkpointEvery: Int = 0,
        afterEpoch: (CentreState<Scalar>) throws -> Void = { _ in }
    ) throws -> CentreState<Scalar> {
        let driver = ResumableOptimization<Scalar>(
            configuration: configuration, train: dataset.train, progress: progress)
        let objective = CentreObjective(
            fitter: self,
            engine: CentreGradientEngine<Scalar>(
                network: network, batchSize: driver.batchSize, tCount: configuration.tPerStep),
            draws: CentreDraws(seed: configuration.seed, epoch: 1, feetCount: feet.count),
            feetIndices: [Int](repeating: 0, count: configuration.feetPerStep),
            t: [Double](repeating: 0, count: configuration.tPerStep))
        let epochs = configuration.epochs
        return try driver.run(
            objective, from: state, checkpointEvery: checkpointEvery,
            record: { done, _ in done.sums.loss / Double(done.steps) },
            summary: { epoch, objective in
                "centre epoch \(epoch)/\(epochs)  mean objective along the arms " + String(format: "%.5f", objective)
            }, afterEpoch: afterEpoch)
    }
}
