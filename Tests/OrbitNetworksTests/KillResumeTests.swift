import Foundation
import OrbitTestSupport
import Testing

@testable import OrbitFormats

/// A training run killed with SIGKILL part-way and resumed with `--resume` ends with a model file
/// byte-identical to an uninterrupted run's (the state is written atomically after every epoch).
@Suite struct KillResumeTests {
    @Test(.enabled(if: CommandLineTests.binary != nil)) func killedRunResumesToIdenticalBytes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("orbit-kill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let arguments = [
            "train", "--arch", "mlp:8-64-64-3:relu", "--data",
            "synthetic:random-labels:d=8,k=3,n=3000,test=100,seed=3",
            "--epochs", "3", "--batch", "32", "--seed", "9", "--quiet", "--threads", "2",
        ]
        let reference = try CommandLineTests.orbit(arguments + ["--out", "reference.safetensors"], in: dir)
        #expect(reference.status == 0, "\(reference.error)")

        let state = dir.appendingPathComponent("killed.safetensors.state.safetensors").path
        let killed = try CommandLineTests.runAndKill(
            arguments + ["--out", "killed.safetensors"], whenFileAppears: "killed.safetensors.state.safetensors",
            in: dir, timeout: 120)
        // When the machine is so fast that the run finished before the kill, the test proves nothing.
        try #require(killed, "the run ended before it could be killed")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("killed.safetensors").path))

        let resumed = try CommandLineTests.orbit(arguments + ["--out", "killed.safetensors", "--resume"], in: dir)
        #expect(resumed.status == 0, "\(resumed.error)")
        let a = try Data(contentsOf: dir.appendingPathComponent("reference.safetensors"))
        let b = try Data(contentsOf: dir.appendingPathComponent("killed.safetensors"))
        #expect(a == b, "resumed model differs from the uninterrupted run")
        #expect(!FileManager.default.fileExists(atPath: state), "the state file is removed after a completed run")
    }

    /// Runs `arguments` (which write OUT and OUT.state.safetensors) in `dir`, SIGKILLs the process
    /// as soon as the first state file exists, checks that the state is one saved inside an epoch
    /// (`orbit.steps` > 0), and resumes with `--resume`. Fails when the run finished before it could
    /// be killed (the test would prove nothing).
    static func killAtFirstCheckpointAndResume(_ arguments: [String], out: String, in dir: URL) throws {
        let state = dir.appendingPathComponent(out + ".state.safetensors").path
        let killed = try CommandLineTests.runAndKill(
            arguments + ["--out", out], whenFileAppears: out + ".state.safetensors", in: dir, timeout: 120)
        try #require(killed, "the run ended before it could be killed")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(out).path))
        let saved = try SafetensorsFile.read(state)
        let steps = Int(saved.metadata["orbit.steps"] ?? "") ?? 0
        #expect(steps > 0, "the kill should land on a checkpoint inside an epoch")
        let resumed = try CommandLineTests.orbit(arguments + ["--out", out, "--resume"], in: dir)
        #expect(resumed.status == 0, "\(resumed.error)")
        #expect(!FileManager.default.fileExists(atPath: state), "the state file is removed after a completed run")
    }

    /// `--checkpoint-every 7`: killed right after the first step-level checkpoint (inside epoch 1),
    /// the resumed run still ends with the uninterrupted run's bytes (shuffle position, optimiser
    /// moments and running sums restored).
    @Test(.enabled(if: CommandLineTests.binary != nil)) func killedMidEpochTrainingResumesToIdenticalBytes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("orbit-kill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let arguments = [
            "train", "--arch", "mlp:8-64-3:relu", "--data", "synthetic:random-labels:d=8,k=3,n=3000,test=100,seed=3",
            "--epochs", "2", "--batch", "32", "--seed", "9", "--quiet", "--threads", "2", "--optimizer", "adam",
            "--lr", "0.001", "--checkpoint-every", "7",
        ]
        let reference = try CommandLineTests.orbit(arguments + ["--out", "reference.safetensors"], in: dir)
        #expect(reference.status == 0, "\(reference.error)")
        try Self.killAtFirstCheckpointAndResume(arguments, out: "killed.safetensors", in: dir)
        let a = try Data(contentsOf: dir.appendingPathComponent("reference.safetensors"))
        let b = try Data(contentsOf: dir.appendingPathComponent("killed.safetensors"))
        #expect(a == b, "resumed model differs from the uninterrupted run")
    }

    /// The same for `orbit curve --checkpoint-every`: the bend after a kill inside epoch 1 and a
    /// resume is byte-identical to the uninterrupted fit's.
    @Test(.enabled(if: CommandLineTests.binary != nil)) func killedMidEpochCurveFitResumesToIdenticalBytes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("orbit-kill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = ["--data", "synthetic:random-labels:d=8,k=3,n=3000,test=100,seed=3"]
        for (seed, name) in [("1", "a.safetensors"), ("2", "b.safetensors")] {
            let run = try CommandLineTests.orbit(
                ["train", "--arch", "mlp:8-64-3:relu", "--epochs", "1", "--seed", seed, "--quiet", "--out", name]
                    + data,
                in: dir)
            #expect(run.status == 0, "\(run.error)")
        }
        let arguments =
            ["curve", "a.safetensors", "b.safetensors", "--epochs", "2", "--batch", "32", "--seed", "5", "--quiet"]
            + ["--threads", "2", "--checkpoint-every", "7"] + data
        let reference = try CommandLineTests.orbit(arguments + ["--out", "reference.safetensors"], in: dir)
        #expect(reference.status == 0, "\(reference.error)")
        try Self.killAtFirstCheckpointAndResume(arguments, out: "killed.safetensors", in: dir)
        let a = try Data(contentsOf: dir.appendingPathComponent("reference.safetensors"))
        let b = try Data(contentsOf: dir.appendingPathComponent("killed.safetensors"))
        #expect(a == b, "resumed curve differs from the uninterrupted fit")
    }
}
