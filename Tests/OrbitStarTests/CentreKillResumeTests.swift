import Foundation
import OrbitCheckpoints
import OrbitFormats
import OrbitNetworks
import OrbitTestSupport
import Testing

/// `orbit star --checkpoint-every N` killed with SIGKILL right after its first step-level checkpoint
/// (inside epoch 1) and resumed with `--resume` writes a centre file byte-identical to an
/// uninterrupted run's (shuffle position, feet/t draws, Adam moments and the epoch's objective sum
/// restored); `orbit ngd` with `--checkpoint-every` matches its run without it. Runs when the `orbit`
/// binary has been built next to the test bundle.
@Suite struct CentreKillResumeTests {
    static func feet(in dir: URL, architecture: String) throws {
        let network = try Network(parsing: architecture)
        for seed in 1...3 {
            let model = Model(
                network: network, parameters: network.initialParameters(seed: UInt64(seed), as: Float.self))
            try ModelFile.write(model, to: dir.appendingPathComponent("foot\(seed).safetensors").path)
        }
    }

    static func directory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("orbit-star-kill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test(.enabled(if: StarCommandLineTests.binary != nil)) func killedMidEpochStarResumesToIdenticalBytes() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.feet(in: dir, architecture: "mlp:8-128-128-3:relu")
        // 3000 rows in batches of 64 (split across 2 cores): 47 steps per epoch, a checkpoint every 5.
        let arguments = [
            "star", "foot1.safetensors", "foot2.safetensors", "foot3.safetensors", "--data",
            "synthetic:random-labels:d=8,k=3,n=3000,test=100,seed=3", "--epochs", "2", "--batch", "64", "--lr",
            "0.001", "--seed", "5", "--penalty", "0.001", "--quiet", "--threads", "2", "--checkpoint-every", "5",
        ]
        let reference = try StarCommandLineTests.orbit(arguments + ["--out", "reference.safetensors"], in: dir)
        #expect(reference.status == 0, "\(reference.error)")

        let out = "killed.safetensors"
        let state = dir.appendingPathComponent(out + ".state.safetensors").path
        let killed = try StarCommandLineTests.runAndKill(
            arguments + ["--out", out], whenFileAppears: out + ".state.safetensors", in: dir, timeout: 60)
        // When the run finished before the kill, the test would prove nothing.
        try #require(killed, "the run ended before it could be killed")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(out).path))
        let saved = try SafetensorsFile.read(state)
        let steps = Int(saved.metadata["orbit.steps"] ?? "") ?? 0
        #expect(saved.metadata["orbit.epochs"] == "0" && steps > 0, "the kill should land inside epoch 1")

        let resumed = try StarCommandLineTests.orbit(arguments + ["--out", out, "--resume"], in: dir)
        #expect(resumed.status == 0, "\(resumed.error)")
        #expect(!FileManager.default.fileExists(atPath: state), "the state file is removed after a completed run")
        let a = try Data(contentsOf: dir.appendingPathComponent("reference.safetensors"))
        let b = try Data(contentsOf: dir.appendingPathComponent(out))
        #expect(a == b, "the resumed centre differs from the uninterrupted run's")
    }

    /// `orbit ngd … --out C --checkpoint-every N` fits the same centre as without checkpoints, and
    /// `--checkpoint-every` is refused with `--centre` (nothing is fitted then) or when negative.
    @Test(.enabled(if: StarCommandLineTests.binary != nil)) func ngdCheckpointsDoNotChangeTheCentre() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.feet(in: dir, architecture: "mlp:4-6-3:relu")
        let arguments = [
            "ngd", "foot1.safetensors", "foot2.safetensors", "--data",
            "synthetic:random-labels:d=4,k=3,n=100,test=20,seed=2", "--epochs", "2", "--batch", "16", "--quiet",
            "--points", "3",
        ]
        let plain = try StarCommandLineTests.orbit(arguments + ["--out", "plain.safetensors"], in: dir)
        #expect(plain.status == 0, "\(plain.error)")
        let checkpointed = try StarCommandLineTests.orbit(
            arguments + ["--out", "checkpointed.safetensors", "--checkpoint-every", "3"], in: dir)
        #expect(checkpointed.status == 0, "\(checkpointed.error)")
        let a = try ModelFile.read(dir.appendingPathComponent("plain.safetensors").path, as: Float.self)
        let b = try ModelFile.read(dir.appendingPathComponent("checkpointed.safetensors").path, as: Float.self)
        #expect(a.parameters.flat.map(\.bitPattern) == b.parameters.flat.map(\.bitPattern))
        let withCentre = try StarCommandLineTests.orbit(
            arguments + ["--centre", "foot3.safetensors", "--checkpoint-every", "3"], in: dir)
        #expect(withCentre.status != 0 && withCentre.error.contains("--checkpoint-every"), "\(withCentre.error)")
        let negative = try StarCommandLineTests.orbit(
            arguments + ["--out", "n.safetensors", "--checkpoint-every", "-1"], in: dir)
        #expect(negative.status != 0 && negative.error.contains("--checkpoint-every"), "\(negative.error)")
    }
}
