import Foundation
import OrbitData
import OrbitFormats
import OrbitNetworks
import OrbitNumerics
import OrbitStar
import Testing

/// Step-level checkpoints of centre finding: every state the fitter hands out with
/// `checkpointEvery` = N — inside an epoch or at its end — written to a ``CentreStateFile``, read
/// back and resumed, ends at exactly the uninterrupted fit's centre, optimiser moments and history
/// (compared bit for bit); checkpointing itself changes nothing; old state files (without the
/// position inside the epoch) still load as epoch boundaries.
@Suite struct CentreResumeTests {
    struct Setting: Sendable, CustomTestStringConvertible {
        var samples: Int
        var configuration: CentreConfiguration
        var checkpointEvery: Int
        var testDescription: String {
            "n=\(samples) batch=\(configuration.batchSize) B_r=\(configuration.feetPerStep) "
                + "B_t=\(configuration.tPerStep) every \(checkpointEvery)"
        }
    }

    /// Two settings: small batches on one core with B_r = 2 and a penalty (8 steps per epoch, a
    /// ragged last batch of 8 — 120 rows in batches of 16); batches of 64 that the engine splits
    /// across the cores (5 steps per epoch) with the paper's B_r = 1, B_t = 3.
    static let settings = [
        Setting(
            samples: 120,
            configuration: CentreConfiguration(
                epochs: 2, batchSize: 16, learningRate: 0.01, feetPerStep: 2, tPerStep: 2, penalty: 0.01, seed: 7),
            checkpointEvery: 3),
        Setting(
            samples: 320,
            configuration: CentreConfiguration(
                epochs: 2, batchSize: 64, learningRate: 0.01, feetPerStep: 1, tPerStep: 3, seed: 11),
            checkpointEvery: 2),
    ]

    static func feet() throws -> [ParameterVector<Float>] {
        try (1...3).map { try StarFixtures.minimum(width: 8, seed: UInt64($0)) }
    }

    static func bits(_ v: ParameterVector<Float>) -> [UInt32] { v.flat.map(\.bitPattern) }
    static func bits(_ v: [Float]) -> [UInt32] { v.map(\.bitPattern) }
    static func bits(_ v: [Double]) -> [UInt64] { v.map(\.bitPattern) }

    static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("centre-resume-\(UUID().uuidString).safetensors")
            .path
    }

    @Test(arguments: settings) func everyCheckpointResumesBitIdentically(_ setting: Setting) throws {
        let network = try StarFixtures.network(width: 8)
        let dataset = try StarFixtures.data(n: setting.samples, seed: 1)
        let feet = try Self.feet()
        let config = setting.configuration
        let fitter = try CentreFitter(network: network, dataset: dataset, feet: feet, configuration: config)
        let plain = try fitter.run(from: try fitter.initialState())
        var saved: [CentreState<Float>] = []
        let straight = try fitter.run(from: try fitter.initialState(), checkpointEvery: setting.checkpointEvery) {
            saved.append($0)
        }
        // Checkpointing observes the fit without changing it.
        #expect(Self.bits(straight.centre) == Self.bits(plain.centre))
        #expect(Self.bits(straight.history) == Self.bits(plain.history))

        // The states handed out: after every N-th step (counted over the whole fit) inside an epoch,
        // and after every epoch.
        let stepsPerEpoch = (setting.samples + config.batchSize - 1) / config.batchSize
        var expected: [(epochs: Int, steps: Int)] = []
        for global in 1...(stepsPerEpoch * config.epochs) {
            let (epochs, steps) = global.quotientAndRemainder(dividingBy: stepsPerEpoch)
            if steps == 0 {
                expected.append((epochs, 0))
            } else if global % setting.checkpointEvery == 0 {
                expected.append((epochs, steps))
            }
        }
        #expect(saved.map(\.completedEpochs) == expected.map(\.epochs))
        #expect(saved.map(\.completedSteps) == expected.map(\.steps))
        #expect(saved.contains { $0.completedSteps > 0 })

        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        for state in saved {
            try CentreStateFile.write(state, network: network, configuration: config, feet: feet, to: path)
            let read = try CentreStateFile.read(
                path, network: network, configuration: config, feet: feet, as: Float.self)
            // The round trip is exact, the epoch's objective sum included.
            #expect(read.completedEpochs == state.completedEpochs && read.completedSteps == state.completedSteps)
            #expect(read.partialObjectiveSum.bitPattern == state.partialObjectiveSum.bitPattern)
            #expect(read.optimizerStep == state.optimizerStep)
            #expect(Self.bits(read.centre) == Self.bits(state.centre))
            #expect(Self.bits(read.optimizerFirst) == Self.bits(state.optimizerFirst))
            #expect(Self.bits(read.optimizerSecond) == Self.bits(state.optimizerSecond))
            #expect(Self.bits(read.history) == Self.bits(state.history))
            // A fresh fitter (as after a restart) resumes to the uninterrupted fit's bits.
            let restarted = try CentreFitter(network: network, dataset: dataset, feet: feet, configuration: config)
            let final = try restarted.run(from: read, checkpointEvery: setting.checkpointEvery)
            let position = "epoch \(state.completedEpochs) step \(state.completedSteps)"
            #expect(Self.bits(final.centre) == Self.bits(straight.centre), "resumed after \(position)")
            #expect(Self.bits(final.history) == Self.bits(straight.history), "resumed after \(position)")
            #expect(final.optimizerStep == straight.optimizerStep)
            #expect(Self.bits(final.optimizerFirst) == Self.bits(straight.optimizerFirst))
            #expect(Self.bits(final.optimizerSecond) == Self.bits(straight.optimizerSecond))
        }
    }

    /// Resuming a mid-epoch state that forgot where it was (completedSteps = 0, the old epoch-level
    /// behaviour) would replay the epoch's first steps: the result differs, so the position matters.
    @Test func positionInsideTheEpochMatters() throws {
        let setting = Self.settings[0]
        let network = try StarFixtures.network(width: 8)
        let dataset = try StarFixtures.data(n: setting.samples, seed: 1)
        let feet = try Self.feet()
        let fitter = try CentreFitter(
            network: network, dataset: dataset, feet: feet, configuration: setting.configuration)
        var saved: [CentreState<Float>] = []
        let straight = try fitter.run(from: try fitter.initialState(), checkpointEvery: 3) { saved.append($0) }
        var forgetful = try #require(saved.first { $0.completedSteps > 0 })
        forgetful.completedSteps = 0
        forgetful.partialObjectiveSum = 0
        let wrong = try fitter.run(from: forgetful)
        #expect(Self.bits(wrong.centre) != Self.bits(straight.centre))
    }

    /// A state file written before step-level checkpoints (no `orbit.steps`, `orbit.partial`) loads
    /// as an epoch boundary and resumes to the same bits; an unreadable position is refused.
    @Test func oldStateFilesLoadAsEpochBoundaries() throws {
        let setting = Self.settings[0]
        let config = setting.configuration
        let network = try StarFixtures.network(width: 8)
        let dataset = try StarFixtures.data(n: setting.samples, seed: 1)
        let feet = try Self.feet()
        let fitter = try CentreFitter(network: network, dataset: dataset, feet: feet, configuration: config)
        var saved: [CentreState<Float>] = []
        let straight = try fitter.run(from: try fitter.initialState()) { saved.append($0) }
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try CentreStateFile.write(saved[0], network: network, configuration: config, feet: feet, to: path)
        var file = try SafetensorsFile.read(path)
        #expect(file.metadata["orbit.steps"] == "0")
        file.metadata["orbit.steps"] = nil
        file.metadata["orbit.partial"] = nil
        try file.write(to: path)
        let old = try CentreStateFile.read(path, network: network, configuration: config, feet: feet, as: Float.self)
        #expect(old.completedEpochs == 1 && old.completedSteps == 0 && old.partialObjectiveSum == 0)
        let final = try fitter.run(from: old)
        #expect(Self.bits(final.centre) == Self.bits(straight.centre))
        #expect(Self.bits(final.history) == Self.bits(straight.history))

        file.metadata["orbit.steps"] = "3"
        file.metadata["orbit.partial"] = "not hex"
        try file.write(to: path)
        do {
            _ = try CentreStateFile.read(path, network: network, configuration: config, feet: feet, as: Float.self)
            Issue.record("a state with an unreadable position inside its epoch was accepted")
        } catch let error as StarError {
            #expect(error.description.contains("position inside its epoch"))
        }
    }
}
