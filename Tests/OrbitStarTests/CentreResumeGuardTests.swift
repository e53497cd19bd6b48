import Foundation
import OrbitData
import OrbitNetworks
import OrbitNumerics
import OrbitTraining
import Testing

@testable import OrbitStar

/// The non-finite guard of centre finding: a NaN in one foot stops the fit at the first step that
/// draws that foot, with an error naming the epoch and step, and the last checkpoint written is the
/// one of the step before (nothing is saved after the bad step); an overflowing gradient (finite
/// objective) stops it with ``NonFiniteGradientError`` naming the tensor.
@Suite struct CentreResumeGuardTests {
    /// The first (epoch, step) whose draws (``CentreDraws``, the fitter's own generator) pick `foot`.
    static func firstStep(drawing foot: Int, configuration: CentreConfiguration, stepsPerEpoch: Int, feet: Int)
        -> (epoch: Int, step: Int)?
    {
        var indices = [Int](repeating: 0, count: configuration.feetPerStep)
        var t = [Double](repeating: 0, count: configuration.tPerStep)
        for epoch in 1...configuration.epochs {
            var draws = CentreDraws(seed: configuration.seed, epoch: epoch, feetCount: feet)
            for step in 1...stepsPerEpoch {
                draws.next(feet: &indices, t: &t)
                if indices.contains(foot) { return (epoch, step) }
            }
        }
        return nil
    }

    @Test func nanInAFootStopsAtItsStepKeepingTheLastGoodCheckpoint() throws {
        let network = try StarFixtures.network(width: 8)
        let dataset = try StarFixtures.data(n: 128, seed: 1)
        var feet = try (1...3).map { try StarFixtures.minimum(width: 8, seed: UInt64($0), as: Float.self) }
        feet[2].withUnsafeMutableBufferPointer { $0[5] = .nan }
        let config = CentreConfiguration(epochs: 3, batchSize: 16, learningRate: 0.01, tPerStep: 2, seed: 4)
        let stepsPerEpoch = 8
        let bad = try #require(
            Self.firstStep(drawing: 2, configuration: config, stepsPerEpoch: stepsPerEpoch, feet: feet.count))
        let badGlobal = (bad.epoch - 1) * stepsPerEpoch + bad.step
        // The seed is chosen so that some good steps come first (else nothing would be checkpointed).
        try #require(badGlobal > 2, "foot 3 is drawn at global step \(badGlobal)")

        let fitter = try CentreFitter(network: network, dataset: dataset, feet: feet, configuration: config)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "centre-nan-\(UUID().uuidString).safetensors"
        )
        .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        // The centre starts at the good feet's mean (the mean of all three would hold the NaN).
        let start = try fitter.initialState(centre: ParameterVector.lerp(feet[0], feet[1], 0.5))
        var saved: [CentreState<Float>] = []
        do {
            _ = try fitter.run(from: start, checkpointEvery: 1) { state in
                saved.append(state)
                try CentreStateFile.write(state, network: network, configuration: config, feet: feet, to: path)
            }
            Issue.record("a NaN in a foot did not stop the fit")
        } catch TrainingError.nonFiniteLoss(let epoch, let step, let loss) {
            #expect(epoch == bad.epoch && step == bad.step && !loss.isFinite)
            let message = TrainingError.nonFiniteLoss(epoch: epoch, step: step, loss: loss).description
            #expect(message.contains("epoch \(bad.epoch), step \(bad.step)"), "\(message)")
        }
        // One checkpoint per good step (checkpointEvery 1), the last after the step before the bad one.
        #expect(saved.count == badGlobal - 1)
        let last = try #require(saved.last)
        #expect(last.optimizerStep == badGlobal - 1)
        #expect(last.centre.flat.allSatisfy { $0.isFinite })
        let onDisk = try CentreStateFile.read(path, network: network, configuration: config, feet: feet, as: Float.self)
        #expect(onDisk.optimizerStep == badGlobal - 1)
        #expect(onDisk.centre.flat.map(\.bitPattern) == last.centre.flat.map(\.bitPattern))
        // Resuming from it meets the same bad step again (the draws are reproduced), not an earlier one.
        do {
            _ = try fitter.run(from: onDisk, checkpointEvery: 1)
            Issue.record("the resumed fit did not stop")
        } catch TrainingError.nonFiniteLoss(let epoch, let step, _) {
            #expect(epoch == bad.epoch && step == bad.step)
        }
    }

    /// Feet and centre with first-layer weights scaled by 10²³ and second-layer ones by 10⁻⁶ keep the
    /// outputs (~10¹⁷) and so the objective finite in Float, while ∂/∂W₂ = Σ_rows ∂ℓ/∂y·h (~10⁴⁰) overflows:
    /// the gradient guard stops the first step, naming the tensor; nothing is checkpointed.
    @Test func overflowingGradientStopsNamingTheTensor() throws {
        let network = try StarFixtures.network(width: 8)
        let dataset = try StarFixtures.data(n: 64, seed: 1)
        let layout = network.layout
        let first = layout.tensors[0], second = layout.tensors[1]
        let feet: [ParameterVector<Float>] = (1...2).map { seed in
            var theta = network.initialParameters(seed: UInt64(seed), as: Float.self)
            theta.withUnsafeMutableBufferPointer { p in
                for i in first.offset..<(first.offset + first.count) { p[i] *= 1e23 }
                for i in second.offset..<(second.offset + second.count) { p[i] *= 1e-6 }
            }
            return theta
        }
        let config = CentreConfiguration(epochs: 1, batchSize: 16, learningRate: 0.01, tPerStep: 2, seed: 1)
        let fitter = try CentreFitter(network: network, dataset: dataset, feet: feet, configuration: config)
        let finite = fitter.objective(at: fitter.feetMean, feet: [0], t: [0.5], rows: 0..<16)
        #expect(finite.value.isFinite, "the objective should stay finite (\(finite.value))")
        var saved = 0
        do {
            _ = try fitter.run(from: try fitter.initialState(), checkpointEvery: 1) { _ in saved += 1 }
            Issue.record("an overflowing gradient did not stop the fit")
        } catch let error as NonFiniteGradientError {
            #expect(error.epoch == 1 && error.step == 1 && error.tensor == second.name)
            #expect(error.description.contains("epoch 1, step 1"))
        }
        #expect(saved == 0)
    }
}
