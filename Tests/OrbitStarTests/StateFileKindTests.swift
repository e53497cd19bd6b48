import Foundation
import OrbitCheckpoints
import OrbitData
import OrbitNetworks
import OrbitNumerics
import OrbitPaths
import OrbitStar
import OrbitTraining
import Testing

/// The three kinds of state file (training, curve fit, centre fit) share one format; each is
/// refused, with a message naming the file, what it holds and what was expected, when given to
/// resume another kind — in the library and on the command line.
@Suite struct StateFileKindTests {
    static let data = "synthetic:random-labels:d=8,k=3,n=200,test=20,seed=3"

    /// Writes a state of each kind for `network` into `directory`: (kind, path).
    static func writeStates(network: Network, dataset: Dataset, in directory: URL) throws -> [(
        OptimizationKind, String
    )] {
        let training = TrainingConfiguration(epochs: 1, batchSize: 32, seed: 1)
        let a: ParameterVector<Float> = network.initialParameters(seed: 1)
        let b: ParameterVector<Float> = network.initialParameters(seed: 2)
        let trainer = try Trainer<Float>(network: network, dataset: dataset, configuration: training)
        let curve = try CurveFitter<Float>(
            network: network, dataset: dataset, kind: .bezier, from: a, to: b, configuration: training)
        let centreConfiguration = CentreConfiguration(epochs: 1, batchSize: 32)
        let centre = try CentreFitter<Float>(
            network: network, dataset: dataset, feet: [a, b], configuration: centreConfiguration)
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        try TrainingStateFile.write(
            trainer.initialState(), network: network, configuration: training, to: path("train.state.safetensors"))
        try CurveStateFile.write(
            curve.initialState(), network: network, configuration: training, to: path("curve.state.safetensors"))
        try CentreStateFile.write(
            try centre.initialState(), network: network, configuration: centreConfiguration, feet: [a, b],
            to: path("centre.state.safetensors"))
        return [
            (.training, path("train.state.safetensors")), (.curve, path("curve.state.safetensors")),
            (.centre, path("centre.state.safetensors")),
        ]
    }

    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("orbit-kinds-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func swappedStateFilesAreRefusedNamingBothKinds() throws {
        let network = try Network(parsing: "mlp:8-16-3:relu")
        let dataset = try DatasetSpec(parsing: Self.data).load()
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let states = try Self.writeStates(network: network, dataset: dataset, in: dir)
        let a: ParameterVector<Float> = network.initialParameters(seed: 1)
        let b: ParameterVector<Float> = network.initialParameters(seed: 2)
        let readers: [(OptimizationKind, (String) throws -> Void)] = [
            (
                .training,
                {
                    _ = try TrainingStateFile.read(
                        $0, network: network, configuration: TrainingConfiguration(epochs: 1, batchSize: 32, seed: 1),
                        as: Float.self)
                }
            ),
            (
                .curve,
                {
                    _ = try CurveStateFile.read(
                        $0, network: network, configuration: TrainingConfiguration(epochs: 1, batchSize: 32, seed: 1),
                        bends: 1, as: Float.self)
                }
            ),
            (
                .centre,
                {
                    _ = try CentreStateFile.read(
                        $0, network: network, configuration: CentreConfiguration(epochs: 1, batchSize: 32),
                        feet: [a, b], as: Float.self)
                }
            ),
        ]
        for (written, path) in states {
            for (expected, read) in readers {
                if written == expected {
                    try read(path)
                    continue
                }
                let message: String
                do {
                    try read(path)
                    Issue.record("a \(written) state was accepted as a \(expected) state")
                    continue
                } catch let error as TrainingError {
                    #expect(
                        error == .stateFile(.wrongKind(file: path, expected: expected, found: written.runDescription)))
                    message = error.description
                } catch let error as StarError {
                    #expect(
                        error == .stateFile(.wrongKind(file: path, expected: expected, found: written.runDescription)))
                    message = error.description
                } catch let error as PathError {
                    #expect(
                        error == .stateFile(.wrongKind(file: path, expected: expected, found: written.runDescription)))
                    message = error.description
                }
                #expect(message.contains(path))
                #expect(
                    message.contains("holds the state of \(written.runDescription), not of \(expected.runDescription)"))
            }
        }
        // A model file is no state at all.
        let model = dir.appendingPathComponent("model.safetensors").path
        try ModelFile.write(Model(network: network, parameters: a), to: model)
        #expect(
            throws: TrainingError.stateFile(
                .wrongKind(
                    file: model, expected: .training, found: "no orbit run (a model or another safetensors file)"))
        ) {
            try readers[0].1(model)
        }
    }

    /// `orbit train|curve|star --resume` given another command's state file exits non-zero with the
    /// message, and leaves the file alone.
    @Test(.enabled(if: StarCommandLineTests.binary != nil)) func commandsRefuseAnotherCommandsState() throws {
        let network = try Network(parsing: "mlp:8-16-3:relu")
        let dataset = try DatasetSpec(parsing: Self.data).load()
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let states = Dictionary(uniqueKeysWithValues: try Self.writeStates(network: network, dataset: dataset, in: dir))
        for (name, seed) in [("a.safetensors", UInt64(1)), ("b.safetensors", 2)] {
            let theta: ParameterVector<Float> = network.initialParameters(seed: seed)
            try ModelFile.write(Model(network: network, parameters: theta), to: dir.appendingPathComponent(name).path)
        }
        let common = ["--data", Self.data, "--epochs", "1", "--quiet", "--resume", "--out", "x.safetensors"]
        let cases: [(arguments: [String], given: OptimizationKind, expected: OptimizationKind)] = [
            (["train", "--arch", "mlp:8-16-3:relu"], .curve, .training),
            (["curve", "a.safetensors", "b.safetensors"], .centre, .curve),
            (["star", "a.safetensors", "b.safetensors"], .training, .centre),
        ]
        let statePath = dir.appendingPathComponent("x.safetensors.state.safetensors").path
        for c in cases {
            try? FileManager.default.removeItem(atPath: statePath)
            try FileManager.default.copyItem(atPath: states[c.given]!, toPath: statePath)
            let run = try StarCommandLineTests.orbit(c.arguments + common, in: dir)
            #expect(run.status != 0, "\(c.arguments[0]) resumed from a \(c.given) state")
            #expect(
                run.error.contains("holds the state of \(c.given.runDescription), not of \(c.expected.runDescription)"),
                "\(run.error)")
            #expect(FileManager.default.fileExists(atPath: statePath))
        }
    }

    /// Every command announces a resume the same way: "resumed from epoch E, step S" with E the epoch
    /// in progress and S the steps done in it; here a state saved after step 3 of epoch 1 by the
    /// library, resumed by `orbit train`, ends with the bytes of the uninterrupted command.
    @Test(.enabled(if: StarCommandLineTests.binary != nil)) func resumeAnnouncesEpochAndStep() throws {
        let network = try Network(parsing: "mlp:8-16-3:relu")
        let dataset = try DatasetSpec(parsing: Self.data).load()
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // What `orbit train --epochs 2 --batch 32 --seed 1` runs (SGD with momentum 0.9, lr 0.01).
        let configuration = TrainingConfiguration(epochs: 2, batchSize: 32, seed: 1)
        let trainer = try Trainer<Float>(network: network, dataset: dataset, configuration: configuration)
        var saved: [TrainingState<Float>] = []
        _ = try trainer.run(from: trainer.initialState(), checkpointEvery: 3) { saved.append($0) }
        let state = try #require(saved.first)
        #expect(state.completedEpochs == 0 && state.completedSteps == 3)
        let statePath = dir.appendingPathComponent("x.safetensors.state.safetensors").path
        try TrainingStateFile.write(state, network: network, configuration: configuration, to: statePath)
        let arguments = [
            "train", "--arch", "mlp:8-16-3:relu", "--data", Self.data, "--epochs", "2", "--batch", "32", "--seed", "1",
        ]
        let resumed = try StarCommandLineTests.orbit(arguments + ["--out", "x.safetensors", "--resume"], in: dir)
        #expect(resumed.status == 0, "\(resumed.error)")
        #expect(resumed.error.contains("resumed from epoch 1, step 3 (x.safetensors.state.safetensors)"))
        let straight = try StarCommandLineTests.orbit(arguments + ["--out", "y.safetensors", "--quiet"], in: dir)
        #expect(straight.status == 0, "\(straight.error)")
        let x = try Data(contentsOf: dir.appendingPathComponent("x.safetensors"))
        let y = try Data(contentsOf: dir.appendingPathComponent("y.safetensors"))
        #expect(x == y, "the resumed model differs from the uninterrupted one")
    }
}
