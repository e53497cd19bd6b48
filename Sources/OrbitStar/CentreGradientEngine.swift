import Dispatch
import Foundation
import OrbitNetworks
import OrbitNumerics
import OrbitTraining

/// The gradient of one centre-finding step (Eq. 7) for one foot θ_i and B_t values of t, on one
/// minibatch, with the batch split across the cores as `MinibatchGradient` does.
///
/// Two fusions make it cheaper than B_t independent training steps:
/// - the first layer's pre-activations are affine in t, X·W₁(t)ᵀ = t·(X·W₁,cᵀ) + (1 − t)·(X·W₁,iᵀ), so
///   each part runs two first-layer GEMMs per foot instead of one per t (the first layer of the
///   784-500-300-10 FNN is 72% of its weights), and the interpolated point θ(t) is formed for the
///   other tensors only (W₁(t) is needed neither forward nor backward: the input gradient is not
///   wanted);
/// - each part accumulates Σ_t s_t·∇_part in its own buffer on its own core, and the optimiser adds
///   the parts inside its fused pass (one or two gradients), so there is no serial summation pass.
/// Nothing is allocated per step. Deterministic for a given thread count.
///
/// Graphs whose first layer is not Linear (a convolution) and networks with BatchNorm take the
/// unfused route: one full point θ(t_j) per t run through ``MinibatchGradient``, which splits the
/// batch too and, for BatchNorm, exchanges the parts' statistics so that every part normalises with
/// the whole minibatch's (PyTorch's training mode); the arm points' buffers play no part there.
final class CentreGradientEngine<Scalar: BLASScalar> {
    let network: Network
    let parts: Int
    let workspaces: [NetworkWorkspace<Scalar>]
    let centreProducts: [AlignedBuffer<Scalar>]
    let footProducts: [AlignedBuffer<Scalar>]
    /// θ(t_j) for each t of a step (the first layer's weight block is not formed).
    var points: [ParameterVector<Scalar>]
    /// Σ_t s_t·∇ of each part; their sum is the step's gradient.
    var accumulators: [ParameterVector<Scalar>]
    let accumulatorPointers: [SendableMutablePointer<Scalar>]
    let losses: UnsafeMutableBufferPointer<Double>
    let firstWeight: TensorSpec
    let hidden: Int
    /// The unfused route (see above); nil when the first-layer fusion applies.
    let unfused: MinibatchGradient<Scalar>?

    init(network: Network, batchSize: Int, tCount: Int, threads: Int = Threading.threadCount) {
        self.network = network
        let fused =
            !network.plan.hasBatchNorm
            && NetworkWorkspace<Scalar>(network: network, capacity: 1, inference: true).supportsFirstLayerCombination
        points = (0..<tCount).map { _ in ParameterVector(layout: network.layout) }
        losses = .allocate(capacity: 1 + Swift.max(threads, 1))
        losses.initialize(repeating: 0)
        guard fused else {
            let unfused = MinibatchGradient<Scalar>(network: network, batchSize: batchSize, threads: threads)
            self.unfused = unfused
            parts = unfused.parts
            workspaces = []
            firstWeight = network.layout.tensors[0]
            hidden = 0
            centreProducts = []
            footProducts = []
            var accumulator = ParameterVector<Scalar>(layout: network.layout)
            accumulatorPointers = [
                accumulator.withUnsafeMutableBufferPointer { SendableMutablePointer($0.baseAddress!) }
            ]
            accumulators = [accumulator]
            return
        }
        unfused = nil
        let split = ProcessInfo.processInfo.environment["ORBIT_NO_BATCH_SPLIT"] == nil
        parts = split && threads >= 2 && batchSize >= 64 ? Swift.min(threads, batchSize / 32) : 1
        let capacity = (batchSize + parts - 1) / parts
        workspaces = (0..<parts).map { _ in NetworkWorkspace(network: network, capacity: capacity) }
        let w1 = workspaces[0].firstLayerWeight
        let hidden = w1.shape[0]
        firstWeight = w1
        self.hidden = hidden
        centreProducts = (0..<parts).map { _ in AlignedBuffer(repeating: 0, count: capacity * hidden) }
        footProducts = (0..<parts).map { _ in AlignedBuffer(repeating: 0, count: capacity * hidden) }
        var accumulators = (0..<parts).map { _ in ParameterVector<Scalar>(layout: network.layout) }
        // The buffers are uniquely owned and never copied (the optimiser only reads them), so their
        // addresses stay valid for the engine's lifetime.
        accumulatorPointers = accumulators.indices.map { p in
            accumulators[p].withUnsafeMutableBufferPointer { SendableMutablePointer($0.baseAddress!) }
        }
        self.accumulators = accumulators
    }

    deinit { losses.deallocate() }

    /// The step's gradient as one or two vectors whose sum it is (for the optimiser's fused pass).
    var gradientParts: [ParameterVector<Scalar>] {
        if accumulators.count <= 2 { return accumulators }
        for p in 2..<accumulators.count { accumulators[1].add(accumulators[p]) }
        return [accumulators[0], accumulators[1]]
    }

    /// The whole gradient in one vector (sums the parts).
    var gradient: ParameterVector<Scalar> {
        var g = accumulators[0]
        for p in 1..<accumulators.count { g.add(accumulators[p]) }
        return g
    }

    /// Adds Σ_j share·t_j·∇R_batch(t_j·θ + (1 − t_j)·θ_i) to the accumulators (overwriting them when
    /// `overwrite`) and returns Σ_j share·R_batch at those points. The caller wraps steps in
    /// `Threading.withSingleThreadedBLAS` when ``parts`` > 1.
    func accumulate(
        centre: ParameterVector<Scalar>, foot: ParameterVector<Scalar>, t: [Double], share: Double,
        loader: BatchLoader<Scalar>, loss: LossFunction, overwrite: Bool
    ) -> Double {
        precondition(t.count <= points.count, "more t values than the engine was built for")
        if let unfused {
            return accumulateUnfused(
                unfused, centre: centre, foot: foot, t: t, share: share, loader: loader, loss: loss,
                overwrite: overwrite)
        }
        let w1 = firstWeight
        let skip = w1.offset..<(w1.offset + w1.count)
        for j in t.indices {
            CentreKernels.interpolate(centre: centre, foot: foot, t: t[j], into: &points[j], skipping: skip)
        }
        let b = loader.count
        let shared = UncheckedSendable((self, loader, centre, foot, t))
        let parts = self.parts
        let body: @Sendable (Int) -> Void = { p in
            let (engine, loader, centre, foot, t) = shared.value
            let rows = chunkRange(p, of: parts, count: b)
            let inputs = loader.inputs.submatrix(rows: rows, columns: 0..<loader.inputs.columns)
            let hc = engine.centreProducts[p].baseAddress, hf = engine.footProducts[p].baseAddress
            centre.withTensor(w1) { w in
                gemm(
                    inputs, w, into: MutableMatrixView(baseAddress: hc, rows: rows.count, columns: engine.hidden),
                    transposeB: .transposed)
            }
            foot.withTensor(w1) { w in
                gemm(
                    inputs, w, into: MutableMatrixView(baseAddress: hf, rows: rows.count, columns: engine.hidden),
                    transposeB: .transposed)
            }
            let workspace = engine.workspaces[p]
            var lossSum = 0.0
            for (j, tj) in t.enumerated() {
                // X·W₁(t)ᵀ = t·X·W_cᵀ + (1 − t)·X·W_iᵀ; 1 − t rounded in Scalar, as `CentreKernels.combine`.
                let ts = Scalar(tj)
                workspace.forward(
                    engine.points[j], inputs: inputs,
                    firstLayer: FirstLayerCombination(
                        products: [UnsafePointer(hc), UnsafePointer(hf)], coefficients: [ts, 1 - ts]))
                let result = loader.withTargets(rows: rows) {
                    workspace.loss(loss, targets: $0, gradient: true, meanOver: b)
                }
                lossSum += share * result.lossSum / Double(b)
                workspace.backward(engine.points[j], inputs: inputs)
                // ∂/∂θ R(t·θ + (1 − t)·θ_i) = t·∇R at the arm point; the first layer's block is exact too,
                // since dW₁ = dZ₁ᵀ·X does not involve W₁(t).
                workspace.gradient.withUnsafeBufferPointer { g in
                    CentreKernels.scaledAdd(
                        g.baseAddress!, into: engine.accumulatorPointers[p].pointer, count: g.count, scale: share * tj,
                        overwrite: overwrite && j == 0)
                }
            }
            engine.losses[p] = lossSum
        }
        if parts == 1 {
            body(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: parts, execute: body)
        }
        var total = 0.0
        for p in 0..<parts { total += losses[p] }
        return total
    }

    /// The unfused route: Σ_j share·t_j·∇R_batch(θ(t_j)) into the one accumulator, θ(t_j) formed whole.
    private func accumulateUnfused(
        _ engine: MinibatchGradient<Scalar>, centre: ParameterVector<Scalar>, foot: ParameterVector<Scalar>,
        t: [Double], share: Double, loader: BatchLoader<Scalar>, loss: LossFunction, overwrite: Bool
    ) -> Double {
        let b = loader.count
        var total = 0.0
        for (j, tj) in t.enumerated() {
            CentreKernels.interpolate(centre: centre, foot: foot, t: tj, into: &points[j], skipping: 0..<0)
            total += share * engine.compute(points[j], loader: loader, loss: loss).lossSum / Double(b)
            engine.gradient.withUnsafeBufferPointer { g in
                CentreKernels.scaledAdd(
                    g.baseAddress!, into: accumulatorPointers[0].pointer, count: g.count, scale: share * tj,
                    overwrite: overwrite && j == 0)
            }
        }
        return total
    }
}
