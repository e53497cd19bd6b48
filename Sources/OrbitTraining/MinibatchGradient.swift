import Dispatch
import Foundation
import OrbitNetworks
import OrbitNumerics

/// The loss and ∂L/∂θ of one minibatch, with the batch split across the cores.
///
/// A minibatch of 128 makes GEMMs small enough that BLAS's own two-thread split pays its
/// synchronisation on every call, and the elementwise work between the GEMMs runs on one core. So
/// with T ≥ 2 threads the batch is cut into T contiguous parts, each run forward and backward on
/// its own core by its own workspace with single-threaded BLAS (the caller wraps the steps in
/// ``Threading/withSingleThreadedBLAS(_:)``), and the parts' gradients are summed in a fixed order.
/// Each part's loss gradient is scaled by 1/b of the whole batch, so the sum is the batch mean's
/// gradient. The result is deterministic for a given thread count (not across thread counts: the
/// summation order differs). Setting `ORBIT_NO_BATCH_SPLIT` in the environment turns the split off
/// (for A/B timing; see BENCHMARKS.md).
public final class MinibatchGradient<Scalar: BLASScalar> {
    /// How many parts a batch is split into (1: no splitting).
    public let parts: Int
    let workspaces: [NetworkWorkspace<Scalar>]
    let results: UnsafeMutableBufferPointer<BatchLoss>

    public init(network: Network, batchSize: Int, threads: Int = Threading.threadCount) {
        // Parts below ~32 rows would make each GEMM too thin to be efficient.
        let split = ProcessInfo.processInfo.environment["ORBIT_NO_BATCH_SPLIT"] == nil
        parts = split && threads >= 2 && batchSize >= 64 ? Swift.min(threads, batchSize / 32) : 1
        let capacity = (batchSize + parts - 1) / parts
        workspaces = (0..<parts).map { _ in NetworkWorkspace(network: network, capacity: capacity) }
        results = .allocate(capacity: parts)
        results.initialize(repeating: BatchLoss(lossSum: 0, correct: nil))
    }

    deinit { results.deallocate() }

    /// ∂L/∂θ after ``compute(_:loader:loss:)`` (summed over the parts).
    public var gradient: ParameterVector<Scalar> {
        for p in 1..<Swift.max(parts, 1) where !accumulated {
            workspaces[0].accumulateGradient(from: workspaces[p])
        }
        accumulated = true
        return workspaces[0].gradient
    }

    /// ∂L/∂θ as at most two vectors whose sum is the gradient, for the optimiser to add in its own
    /// pass (saving one pass over θ per step).
    public var gradientParts: [ParameterVector<Scalar>] {
        if parts <= 2 || accumulated { return accumulated ? [workspaces[0].gradient] : workspaces.map(\.gradient) }
        for p in 2..<parts { workspaces[1].accumulateGradient(from: workspaces[p]) }
        accumulated = false
        return [workspaces[0].gradient, workspaces[1].gradient]
    }

    var accumulated = true

    /// The threads that run the parts of a BatchNorm network's ~40 phases per step in lockstep
    /// (``LockstepTeam``: a spinning hand-over instead of waking a pool thread per phase); made on the
    /// first exchanging step. `ORBIT_NO_LOCKSTEP` in the environment uses Dispatch instead (A/B timing).
    private lazy var team: LockstepTeam? =
        ProcessInfo.processInfo.environment["ORBIT_NO_LOCKSTEP"] == nil ? LockstepTeam(parts: parts) : nil

    /// The parts of a network with BatchNorm run in lockstep: forward to each BatchNorm, whose
    /// partial statistics the parts exchange so that every part normalises with the statistics of
    /// the whole minibatch (PyTorch's training mode on the unsplit batch), and likewise backward.
    private func computeExchanging(
        _ parameters: ParameterVector<Scalar>, loader: BatchLoader<Scalar>, loss: LossFunction
    ) {
        let b = loader.count
        let parts = self.parts
        let done = UnsafeMutableBufferPointer<Bool>.allocate(capacity: parts)
        defer { done.deallocate() }
        let shared = UncheckedSendable((workspaces, loader, results, done))
        func run(_ body: @escaping @Sendable (Int, MatrixView<Scalar>) -> Bool) -> Bool {
            let phase: @Sendable (Int) -> Void = { p in
                let (_, loader, _, done) = shared.value
                let rows = chunkRange(p, of: parts, count: b)
                done[p] = body(p, loader.inputs.submatrix(rows: rows, columns: 0..<loader.inputs.columns))
            }
            if let team {
                team.run(phase)
            } else {
                DispatchQueue.concurrentPerform(iterations: parts, execute: phase)
            }
            return done.allSatisfy { $0 }
        }
        while !run({ p, inputs in shared.value.0[p].forwardPhase(parameters, inputs: inputs) }) {
            NetworkWorkspace.exchangeForward(workspaces)
        }
        for p in 0..<parts {
            let rows = chunkRange(p, of: parts, count: b)
            results[p] = loader.withTargets(rows: rows) {
                workspaces[p].loss(loss, targets: $0, gradient: true, meanOver: b)
            }
        }
        while !run({ p, inputs in shared.value.0[p].backwardPhase(parameters, inputs: inputs) }) {
            NetworkWorkspace.exchangeBackward(workspaces)
        }
    }

    /// Moves θ's running statistics (BatchNorm buffers) towards those of the last computed batch.
    public func updateRunningStatistics(_ parameters: inout ParameterVector<Scalar>) {
        workspaces[0].updateRunningStatistics(&parameters)
    }

    /// Σ_i ℓ_i over the loaded batch; leaves ∂/∂θ of the batch mean in ``gradient``.
    public func compute(_ parameters: ParameterVector<Scalar>, loader: BatchLoader<Scalar>, loss: LossFunction)
        -> BatchLoss
    {
        let b = loader.count
        if parts == 1 {
            let workspace = workspaces[0]
            workspace.forward(parameters, inputs: loader.inputs)
            let result = loader.withTargets { workspace.loss(loss, targets: $0, gradient: true) }
            workspace.backward(parameters, inputs: loader.inputs)
            accumulated = true
            return result
        }
        let shared = UncheckedSendable((workspaces, loader, results))
        let parts = self.parts
        if workspaces[0].needsStatisticsExchange {
            computeExchanging(parameters, loader: loader, loss: loss)
        } else {
            DispatchQueue.concurrentPerform(iterations: parts) { p in
                let (workspaces, loader, results) = shared.value
                let rows = chunkRange(p, of: parts, count: b)
                let inputs = loader.inputs.submatrix(rows: rows, columns: 0..<loader.inputs.columns)
                workspaces[p].forward(parameters, inputs: inputs)
                results[p] = loader.withTargets(rows: rows) {
                    workspaces[p].loss(loss, targets: $0, gradient: true, meanOver: b)
                }
                workspaces[p].backward(parameters, inputs: inputs)
            }
        }
        var total = BatchLoss(lossSum: 0, correct: results[0].correct == nil ? nil : 0)
        for p in 0..<parts {
            total.lossSum += results[p].lossSum
            if let c = results[p].correct { total.correct = (total.correct ?? 0) + c }
        }
        accumulated = false
        return total
    }
}
