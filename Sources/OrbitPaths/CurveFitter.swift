import Foundation
import OrbitData
import OrbitNetworks
import OrbitNumerics
import OrbitTraining

/// Where a curve fit stands after a completed epoch, or part-way through one: enough to resume it
/// bit-identically.
public struct CurveState<Scalar: BLASScalar>: Sendable {
    public var completedEpochs: Int
    /// The free (interior) control points P₁ … P_k.
    public var bends: [ParameterVector<Scalar>]
    public var optimizerSteps: [Int]
    public var optimizerFirst: [[Scalar]]
    public var optimizerSecond: [[Scalar]]
    /// Mean minibatch loss of each epoch (at the sampled t).
    public var history: [Double]
    /// Steps done in epoch `completedEpochs + 1` (0 at an epoch boundary); on resume the epoch's
    /// shuffle is recomputed and its t generator advanced past these steps' draws.
    public var completedSteps: Int = 0
    /// Σ of the epoch's per-step mean losses so far.
    public var partialLossSum: Double = 0
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
            throw TrainingError.invalidConfiguration("curve fitting learns Bézier curves or polygonal chains")
        }
        guard dataset.train.featureCount == network.inputSize else {
            throw TrainingError.invalidConfiguration(
                "the network takes \(network.inputSize) inputs, the data has \(dataset.train.featureCount)")
        }
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
        let snaps = bends.map { OptimizerState<Scalar>(configuration.optimizer, count: $0.count).snapshot }
        return CurveState(
            completedEpochs: 0, bends: bends, optimizerSteps: snaps.map(\.step), optimizerFirst: snaps.map(\.first),
            optimizerSecond: snaps.map(\.second), history: [])
    }

    /// The curve through the end points and `state`'s bends.
    public func path(_ state: CurveState<Scalar>) -> AffinePath<Scalar> {
        AffinePath(kind: kind, controlPoints: [start] + state.bends + [end])
    }

    /// Fits from `state` to the configured number of epochs; `afterEpoch` sees each completed epoch
    /// and, when `checkpointEvery` = N > 0, the state after every N-th step (counted over the whole
    /// fit) inside an epoch (`completedSteps > 0`), which resumes bit-identically. A non-finite
    /// loss or gradient throws (naming epoch and step) before the bends are updated.
    @_specialize(exported:true,where Scalar == Float)
    @_specialize(exported:true,where Scalar == Double)
    public func run(
        from state: CurveState<Scalar>, checkpointEvery: Int = 0,
        afterEpoch: (CurveState<Scalar>) throws -> Void = { _ in }
    ) throws -> CurveState<Scalar> {
        var state = state
        let train = dataset.train
        let lossFunction = configuration.loss ?? train.targets.defaultLoss
        let n = train.count
        let batch = min(configuration.batchSize, max(n, 1))
        let stepsPerEpoch = (n + batch - 1) / batch
        let totalSteps = stepsPerEpoch * configuration.epochs
        let engine = MinibatchGradient<Scalar>(network: network, batchSize: batch)
        let loader = BatchLoader<Scalar>(split: train, capacity: batch)
        let optimizers = state.bends.indices.map { i in
            let o = OptimizerState<Scalar>(configuration.optimizer, count: state.bends[i].count)
            o.restore(step: state.optimizerSteps[i], first: state.optimizerFirst[i], second: state.optimizerSecond[i])
            return o
        }
        var order = Array(0..<n)
        let k = state.bends.count
        // θ(t) is formed in place each step, in one pass (no allocation in the loop).
        var theta = ParameterVector<Scalar>(layout: network.layout)
        while state.completedEpochs < configuration.epochs {
            let epoch = state.completedEpochs + 1
            var shuffle = SeededGenerator(seed: configuration.seed &+ 0x632B_E59B_D9B4_E019 &* UInt64(epoch))
            var tGenerator = SeededGenerator(seed: configuration.seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(epoch))
            for i in 0..<n { order[i] = i }
            order.withUnsafeMutableBufferPointer { fisherYatesShuffle($0, using: &shuffle) }
            // A state saved part-way through this epoch continues where it stopped: skip the t's
            // its steps drew.
            let firstStep = min(state.completedSteps, stepsPerEpoch)
            for _ in 0..<firstStep { _ = tGenerator.nextUnitDouble() }
            var lossSum = state.partialLossSum
            for s in firstStep..<stepsPerEpoch {
                let lower = s * batch, upper = min(lower + batch, n)
                let t = tGenerator.nextUnitDouble()
                let c = AffinePath<Scalar>.coefficients(kind: kind, count: k + 2, at: t)
                theta.formCombination(c.map { Scalar($0) }, [start] + state.bends + [end])
                loader.load(order[lower..<upper])
                let result = Threading.withSingleThreadedBLAS(when: engine.parts > 1) {
                    engine.compute(theta, loader: loader, loss: lossFunction)
                }
                guard result.lossSum.isFinite else {
                    throw TrainingError.nonFiniteLoss(epoch: epoch, step: s + 1, loss: result.lossSum)
                }
                let rate = configuration.schedule.rate(
                    base: configuration.learningRate, step: (epoch - 1) * stepsPerEpoch + s, totalSteps: totalSteps,
                    stepsPerEpoch: stepsPerEpoch)
                let parts = engine.gradientParts
                for i in 0..<k where c[i + 1] != 0 {
                    // ∂L/∂P_i = c_i(t)·∇L(θ(t)); the scale is applied inside the optimiser's pass, and the
                    // non-finite guard rides along it.
                    try NonFiniteGuard.afterStep(
                        optimizers[i].step(
                            &state.bends[i], gradients: parts, learningRate: rate, gradientScale: c[i + 1]),
                        gradients: parts, parameters: state.bends[i], epoch: epoch, step: s + 1)
                }
                lossSum += result.lossSum / Double(upper - lower)
                progress.update(
                    epoch: epoch, epochs: configuration.epochs, fraction: Double(s + 1) / Double(stepsPerEpoch),
                    loss: lossSum / Double(s + 1), accuracy: nil, samplesPerSecond: 0, eta: .nan)
                let globalStep = (epoch - 1) * stepsPerEpoch + s + 1
                if checkpointEvery > 0, globalStep % checkpointEvery == 0, s + 1 < stepsPerEpoch {
                    var partial = state
                    partial.completedSteps = s + 1
                    partial.partialLossSum = lossSum
                    Self.record(optimizers, into: &partial)
                    try afterEpoch(partial)
                }
            }
            state.history.append(lossSum / Double(stepsPerEpoch))
            state.completedEpochs = epoch
            state.completedSteps = 0
            state.partialLossSum = 0
            Self.record(optimizers, into: &state)
            progress.finishEpoch(
                "curve epoch \(epoch)/\(configuration.epochs)  mean loss along the curve \(String(format: "%.4f", state.history.last!))"
            )
            try afterEpoch(state)
        }
        return state
    }

    /// Copies the optimisers' moments into `state`.
    static func record(_ optimizers: [OptimizerState<Scalar>], into state: inout CurveState<Scalar>) {
        for (i, o) in optimizers.enumerated() {
            let snap = o.snapshot
            state.optimizerSteps[i] = snap.step
            state.optimizerFirst[i] = snap.first
            state.optimizerSecond[i] = snap.second
        }
    }
}
