import Foundation
import Testing

@testable import OrbitData
@testable import OrbitNetworks
@testable import OrbitNumerics
@testable import OrbitPaths
@testable import OrbitTraining

/// Step-level checkpoints (`checkpointEvery`) resume bit-identically in the middle of an epoch, and
/// the non-finite guard stops a run before it corrupts θ.
@Suite struct ReliabilityResumeTests {
    static let network = try! Network(parsing: "mlp:10-16-3:relu")
    /// 600 samples in batches of 50: 12 steps per epoch, so checkpoints every 5 steps fall inside
    /// epochs (global steps 5, 10 in epoch 1; 15, 20 in epoch 2 at its steps 3 and 8).
    static let configuration = TrainingConfiguration(
        epochs: 2, batchSize: 50, learningRate: 0.01, optimizer: .adam(), seed: 3)

    /// Every mid-epoch state, written to disk and read back, resumes to exactly the parameters and
    /// epoch records (running loss and accuracy) of the uninterrupted run.
    @Test func trainerResumesMidEpochBitIdentically() throws {
        let trainer = try Trainer<Float>(
            network: Self.network, dataset: TrainingTests.dataset, configuration: Self.configuration)
        let reference = try trainer.run(from: trainer.initialState())
        var saved: [TrainingState<Float>] = []
        let checkpointed = try trainer.run(from: trainer.initialState(), checkpointEvery: 5) { saved.append($0) }
        #expect(checkpointed.parameters.flat == reference.parameters.flat, "checkpointing changed the run")
        let mid = saved.filter { $0.completedSteps > 0 }
        #expect(mid.map(\.completedSteps) == [5, 10, 3, 8])
        #expect(saved.filter { $0.completedSteps == 0 }.map(\.completedEpochs) == [1, 2])

        let directory = TemporaryDirectory()
        for (i, state) in mid.enumerated() {
            let path = directory.file("state-\(i).safetensors")
            try TrainingStateFile.write(state, network: Self.network, configuration: Self.configuration, to: path)
            let restored = try TrainingStateFile.read(
                path, network: Self.network, configuration: Self.configuration, as: Float.self)
            #expect(restored.completedSteps == state.completedSteps)
            #expect(restored.partialLossSum.bitPattern == state.partialLossSum.bitPattern)
            let resumed = try trainer.run(from: restored)
            #expect(resumed.parameters.flat == reference.parameters.flat, "resumed at step \(state.completedSteps)")
            #expect(resumed.history.map(\.runningTrain) == reference.history.map(\.runningTrain))
            #expect(resumed.history.map(\.test) == reference.history.map(\.test))
        }
    }

    /// The same for the curve fitter, whose t generator must also be advanced past the saved steps.
    @Test func curveFitResumesMidEpochBitIdentically() throws {
        let a: ParameterVector<Float> = Self.network.initialParameters(seed: 1)
        let b: ParameterVector<Float> = Self.network.initialParameters(seed: 2)
        let fitter = try CurveFitter<Float>(
            network: Self.network, dataset: TrainingTests.dataset, kind: .bezier, from: a, to: b,
            configuration: Self.configuration)
        let reference = try fitter.run(from: fitter.initialState(bends: 2))
        var saved: [CurveState<Float>] = []
        _ = try fitter.run(from: fitter.initialState(bends: 2), checkpointEvery: 5) { saved.append($0) }
        let mid = saved.filter { $0.completedSteps > 0 }
        #expect(mid.map(\.completedSteps) == [5, 10, 3, 8])

        let directory = TemporaryDirectory()
        for (i, state) in mid.enumerated() {
            let path = directory.file("curve-\(i).safetensors")
            try CurveStateFile.write(state, network: Self.network, configuration: Self.configuration, to: path)
            let restored = try CurveStateFile.read(
                path, network: Self.network, configuration: Self.configuration, bends: 2, as: Float.self)
            let resumed = try fitter.run(from: restored)
            #expect(resumed.bends.map(\.flat) == reference.bends.map(\.flat), "resumed at step \(state.completedSteps)")
            #expect(resumed.history.map(\.bitPattern) == reference.history.map(\.bitPattern))
        }
    }

    /// The guard finds a NaN or ±∞ anywhere in the gradient parts and names the tensor and index.
    @Test func nonFiniteGuardNamesTensorAndStep() throws {
        var g = ParameterVector<Double>(layout: Self.network.layout, repeating: 0.5)
        #expect(NonFiniteGuard.isFinite(g))
        try NonFiniteGuard.check([g, g], epoch: 1, step: 1)
        let spec = Self.network.layout.tensors[2]  // layers.2.weight
        for bad in [Double.nan, .infinity, -.infinity] {
            var h = g
            h.withUnsafeMutableBufferPointer { $0[spec.offset + 7] = bad }
            #expect(!NonFiniteGuard.isFinite(h))
            #expect(throws: NonFiniteGradientError(epoch: 4, step: 9, tensor: "layers.2.weight", index: 7)) {
                try NonFiniteGuard.check([g, h], epoch: 4, step: 9)
            }
        }
        g.withUnsafeMutableBufferPointer { $0[0] = .nan }
        let message = NonFiniteGradientError(epoch: 2, step: 5, tensor: "layers.0.weight", index: 0).description
        #expect(message.contains("epoch 2, step 5") && message.contains("layers.0.weight"))
    }

    /// A run whose output bias holds a NaN stops at its first step, before any checkpoint: the error
    /// names epoch 1, step 1, and the checkpoint callback never sees a corrupted state. (A NaN in a
    /// first-layer weight can stay hidden — ReLU maps a NaN pre-activation to 0 and its gradient to
    /// 0 — which is what `orbit check` is for.)
    @Test func trainingStopsAtTheFirstNonFiniteStep() throws {
        let trainer = try Trainer<Float>(
            network: Self.network, dataset: TrainingTests.dataset, configuration: Self.configuration)
        var start = trainer.initialState()
        let bias = Self.network.layout.tensors.last!  // layers.2.bias
        start.parameters.withUnsafeMutableBufferPointer { $0[bias.offset + 1] = .nan }
        var checkpoints = 0
        do {
            _ = try trainer.run(from: start, checkpointEvery: 1) { _ in checkpoints += 1 }
            Issue.record("training with NaN parameters did not stop")
        } catch let error as TrainingError {
            guard case .nonFiniteLoss(let epoch, let step, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(epoch == 1 && step == 1)
        } catch let error as NonFiniteGradientError {
            #expect(error.epoch == 1 && error.step == 1)
        }
        #expect(checkpoints == 0)
    }
}
