import Foundation
import Testing

@testable import OrbitData
@testable import OrbitFormats
@testable import OrbitNetworks
@testable import OrbitNumerics
@testable import OrbitPaths
@testable import OrbitTraining

/// The driver every optimisation shares (``ResumableOptimization``): what its progress reports, and
/// the one state-file format (``OptimizationStateFile``) with the files of the earlier formats.
@Suite struct ResumableOptimizationTests {
    static let network = try! Network(parsing: "mlp:10-16-3:relu")
    /// 600 samples in batches of 50: 12 steps per epoch, 24 in the run.
    static let configuration = TrainingConfiguration(
        epochs: 2, batchSize: 50, learningRate: 0.01, optimizer: .adam(), seed: 3)

    /// Every update of a run of 2 epochs × 12 steps of 50 samples: a positive, finite speed and an ETA
    /// that is exactly the samples still to visit at that speed (0 after the last step), the
    /// fraction of the epoch done, and one summary per epoch.
    static func checkProgress(
        _ progress: ProgressReporter, label: String, summaryPrefix: String, accuracy: Bool
    ) {
        let updates = progress.updates
        #expect(updates.count == 24)
        for (i, u) in updates.enumerated() {
            let done = 50 * (i + 1)
            let remaining = Double(1200 - done)
            #expect(u.samplesPerSecond > 0 && u.samplesPerSecond.isFinite, "\(label) step \(i + 1)")
            #expect(u.eta.isFinite && u.eta >= 0, "\(label) step \(i + 1): ETA \(u.eta)")
            #expect(abs(u.eta * u.samplesPerSecond - remaining) <= 1e-9 * max(remaining, 1), "\(label) step \(i + 1)")
            #expect(u.epoch == i / 12 + 1 && u.epochs == 2)
            #expect(u.fraction == Double(done - 600 * (i / 12)) / 600)
            #expect(u.loss.isFinite && u.loss > 0)
            #expect((u.accuracy != nil) == accuracy)
        }
        #expect(updates.last?.eta == 0)
        let summaries = progress.summaries
        #expect(summaries.count == 2)
        #expect(summaries.first?.hasPrefix(summaryPrefix) == true)
    }

    /// Curve fitting used to report 0 samples/s and a NaN ETA; it now reports what training does.
    @Test func curveFittingReportsSpeedAndETA() throws {
        let a: ParameterVector<Float> = Self.network.initialParameters(seed: 1)
        let b: ParameterVector<Float> = Self.network.initialParameters(seed: 2)
        let progress = ProgressReporter(style: .recording, label: "curve")
        let fitter = try CurveFitter<Float>(
            network: Self.network, dataset: TrainingTests.dataset, kind: .bezier, from: a, to: b,
            configuration: Self.configuration, progress: progress)
        _ = try fitter.run(from: fitter.initialState())
        Self.checkProgress(progress, label: "curve", summaryPrefix: "curve epoch 1/2", accuracy: false)
    }

    @Test func trainingReportsSpeedAndETA() throws {
        let progress = ProgressReporter(style: .recording)
        let trainer = try Trainer<Float>(
            network: Self.network, dataset: TrainingTests.dataset, configuration: Self.configuration,
            progress: progress)
        _ = try trainer.run(from: trainer.initialState())
        Self.checkProgress(progress, label: "train", summaryPrefix: "epoch 1/2  train loss", accuracy: true)
    }

    /// A mid-epoch training state rewritten in the layout orbit wrote before the shared format (no
    /// `orbit.state-format` or `orbit.kind`, the configuration under `orbit.training`, one
    /// `orbit.optimizer-step`) reads back to the same bits and resumes to the uninterrupted run; a
    /// file of a newer format is refused.
    @Test func stateFilesOfTheEarlierFormatStillResume() throws {
        let trainer = try Trainer<Float>(
            network: Self.network, dataset: TrainingTests.dataset, configuration: Self.configuration)
        let reference = try trainer.run(from: trainer.initialState())
        var saved: [TrainingState<Float>] = []
        _ = try trainer.run(from: trainer.initialState(), checkpointEvery: 5) { saved.append($0) }
        let state = try #require(saved.first { $0.completedSteps > 0 })
        let directory = TemporaryDirectory()
        let path = directory.file("run.state.safetensors")
        try TrainingStateFile.write(state, network: Self.network, configuration: Self.configuration, to: path)
        var file = try SafetensorsFile.read(path)
        #expect(file.metadata["orbit.kind"] == "training" && file.metadata["orbit.state-format"] == "2")
        file.metadata["orbit.state-format"] = nil
        file.metadata["orbit.kind"] = nil
        file.metadata["orbit.training"] = file.metadata.removeValue(forKey: "orbit.configuration")
        file.metadata["orbit.optimizer-step"] = file.metadata.removeValue(forKey: "orbit.optimizer-steps")
        try file.write(to: path)

        let old = try TrainingStateFile.read(
            path, network: Self.network, configuration: Self.configuration, as: Float.self)
        #expect(old.completedEpochs == state.completedEpochs && old.completedSteps == state.completedSteps)
        #expect(old.partial == state.partial && old.partialLossSum.bitPattern == state.partialLossSum.bitPattern)
        #expect(old.parameters.flat.map(\.bitPattern) == state.parameters.flat.map(\.bitPattern))
        #expect(old.optimizerStep == state.optimizerStep)
        #expect(old.optimizerSecond.map(\.bitPattern) == state.optimizerSecond.map(\.bitPattern))
        let resumed = try trainer.run(from: old)
        #expect(resumed.parameters.flat.map(\.bitPattern) == reference.parameters.flat.map(\.bitPattern))
        #expect(resumed.history.map(\.runningTrain) == reference.history.map(\.runningTrain))

        file.metadata["orbit.state-format"] = "3"
        try file.write(to: path)
        #expect(throws: TrainingError.stateFile(.newerFormat(file: path, version: "3"))) {
            _ = try TrainingStateFile.read(
                path, network: Self.network, configuration: Self.configuration, as: Float.self)
        }
    }

    /// The same for a mid-epoch curve state in the earlier curve layout (`orbit.partial` holding only
    /// the loss sum's bits): it resumes to the uninterrupted fit's bends and history.
    @Test func curveStateFilesOfTheEarlierFormatStillResume() throws {
        let a: ParameterVector<Float> = Self.network.initialParameters(seed: 1)
        let b: ParameterVector<Float> = Self.network.initialParameters(seed: 2)
        let fitter = try CurveFitter<Float>(
            network: Self.network, dataset: TrainingTests.dataset, kind: .polygonalChain, from: a, to: b,
            configuration: Self.configuration)
        let reference = try fitter.run(from: fitter.initialState(bends: 2))
        var saved: [CurveState<Float>] = []
        _ = try fitter.run(from: fitter.initialState(bends: 2), checkpointEvery: 5) { saved.append($0) }
        let state = try #require(saved.last { $0.completedSteps > 0 })
        let directory = TemporaryDirectory()
        let path = directory.file("curve.state.safetensors")
        try CurveStateFile.write(state, network: Self.network, configuration: Self.configuration, to: path)
        var file = try SafetensorsFile.read(path)
        file.metadata["orbit.state-format"] = nil
        file.metadata["orbit.kind"] = nil
        file.metadata["orbit.training"] = file.metadata.removeValue(forKey: "orbit.configuration")
        file.metadata["orbit.partial"] = String(state.partialLossSum.bitPattern, radix: 16)
        try file.write(to: path)
        let old = try CurveStateFile.read(
            path, network: Self.network, configuration: Self.configuration, bends: 2, as: Float.self)
        #expect(old.completedEpochs == state.completedEpochs && old.completedSteps == state.completedSteps)
        #expect(old.partialLossSum.bitPattern == state.partialLossSum.bitPattern)
        #expect(old.optimizers.map(\.step) == state.optimizers.map(\.step))
        let resumed = try fitter.run(from: old)
        #expect(resumed.bends.map(\.flat) == reference.bends.map(\.flat))
        #expect(resumed.history.map(\.bitPattern) == reference.history.map(\.bitPattern))
    }

    /// A resume with other options or another network names the file and what differs.
    @Test func mismatchesNameTheFileAndWhatDiffers() throws {
        let trainer = try Trainer<Float>(
            network: Self.network, dataset: TrainingTests.dataset, configuration: Self.configuration)
        let directory = TemporaryDirectory()
        let path = directory.file("run.state.safetensors")
        try TrainingStateFile.write(
            trainer.initialState(), network: Self.network, configuration: Self.configuration, to: path)
        var other = Self.configuration
        other.learningRate = 0.1
        do {
            _ = try TrainingStateFile.read(path, network: Self.network, configuration: other, as: Float.self)
            Issue.record("a state of other options was accepted")
        } catch let error as TrainingError {
            #expect(
                error
                    == .stateFile(
                        .mismatch(file: path, what: "options", saved: "learningRate 0.01", current: "learningRate 0.1"))
            )
            #expect(error.description.contains(path) && error.description.contains("learningRate 0.1"))
        }
        let wider = try Network(parsing: "mlp:10-17-3:relu")
        do {
            _ = try TrainingStateFile.read(path, network: wider, configuration: Self.configuration, as: Float.self)
            Issue.record("a state of another network was accepted")
        } catch let error as TrainingError {
            #expect(error.description.contains(path) && error.description.contains("network"))
            #expect(error.description.contains("mlp:10-16-3:relu") && error.description.contains("mlp:10-17-3:relu"))
        }
        // A curve state with one bend is not one with two.
        let a: ParameterVector<Float> = Self.network.initialParameters(seed: 1)
        let fitter = try CurveFitter<Float>(
            network: Self.network, dataset: TrainingTests.dataset, kind: .bezier, from: a, to: a,
            configuration: Self.configuration)
        try CurveStateFile.write(
            fitter.initialState(bends: 1), network: Self.network, configuration: Self.configuration, to: path)
        #expect(throws: PathError.self) {
            _ = try CurveStateFile.read(
                path, network: Self.network, configuration: Self.configuration, bends: 2, as: Float.self)
        }
    }
}
