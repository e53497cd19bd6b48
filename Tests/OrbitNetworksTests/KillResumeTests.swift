import Foundation
import Testing

/// A training run killed with SIGKILL part-way and resumed with `--resume` ends with a model file
/// byte-identical to an uninterrupted run's (the state is written atomically after every epoch).
@Suite struct KillResumeTests {
    @Test(.enabled(if: CommandLineTests.binary != nil)) func killedRunResumesToIdenticalBytes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("orbit-kill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let arguments = [
            "train", "--arch", "mlp:8-128-128-3:relu", "--data",
            "synthetic:random-labels:d=8,k=3,n=6000,test=100,seed=3",
            "--epochs", "6", "--batch", "32", "--seed", "9", "--quiet", "--threads", "2",
        ]
        let reference = try CommandLineTests.orbit(arguments + ["--out", "reference.safetensors"], in: dir)
        #expect(reference.status == 0, "\(reference.error)")

        let p = Process()
        p.executableURL = CommandLineTests.binary!
        p.arguments = arguments + ["--out", "killed.safetensors"]
        p.currentDirectoryURL = dir
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let state = dir.appendingPathComponent("killed.safetensors.state.safetensors").path
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: state) && p.isRunning && Date() < deadline { usleep(2000) }
        let killedInTime = p.isRunning
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        // When the machine is so fast that the run finished before the kill, the test proves nothing.
        try #require(killedInTime && p.terminationReason == .uncaughtSignal, "the run ended before it could be killed")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("killed.safetensors").path))

        let resumed = try CommandLineTests.orbit(arguments + ["--out", "killed.safetensors", "--resume"], in: dir)
        #expect(resumed.status == 0, "\(resumed.error)")
        let a = try Data(contentsOf: dir.appendingPathComponent("reference.safetensors"))
        let b = try Data(contentsOf: dir.appendingPathComponent("killed.safetensors"))
        #expect(a == b, "resumed model differs from the uninterrupted run")
        #expect(!FileManager.default.fileExists(atPath: state), "the state file is removed after a completed run")
    }
}
