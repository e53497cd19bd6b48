import Foundation
import OrbitTestSupport
import Testing

/// `orbit` on PyTorch checkpoints: `inspect` lists a `.pt`'s tensors and where it found them, `eval`
/// loads one with `--arch`, and hostile or broken files exit non-zero with one line naming the file
/// and the part — without running anything.
@Suite struct TorchCheckpointCommandLineTests: OrbitCommandLineSuite {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/pytorch/pickle").path

    @Test(.enabled(if: binary != nil)) func inspectListsTheTensorsOfACheckpoint() throws {
        let run = try Self.orbit(["inspect", Self.fixtures + "/lightning.ckpt.pt"])
        #expect(run.status == 0, "\(run.error)")
        #expect(run.output.contains("6 tensors, 83 values"))
        #expect(run.output.contains("tensors from ['state_dict']"))
        #expect(run.output.contains("model.fc1.weight  F32    [6, 4]"))
        let legacy = try Self.orbit(["inspect", Self.fixtures + "/mlp-legacy.pth"])
        #expect(legacy.status == 0 && legacy.output.contains("fc3.bias") && !legacy.output.contains("tensors from"))
    }

    @Test(.enabled(if: binary != nil)) func evalLoadsAPtWithArch() throws {
        let run = try Self.orbit([
            "eval", Self.fixtures + "/mlp.pt", "--arch", "mlp:4-6-5-3:relu", "--data",
            "synthetic:random-labels:d=4,k=3,n=20,test=10,seed=1",
        ])
        #expect(run.status == 0, "\(run.error)")
        #expect(run.output.contains("accuracy"))
    }

    @Test(.enabled(if: binary != nil)) func badFilesExitNonZeroWithOneLine() throws {
        let marker = "/tmp/orbit-hostile-pickle-marker"
        try? FileManager.default.removeItem(atPath: marker)
        for (name, needle) in [
            ("hostile-posix-system.pt", "refused global 'posix.system'"),
            ("hostile-eval.pt", "refused global 'builtins.eval'"),
            ("hostile-os-system.pth", "refused global 'os.system'"),
            ("unknown-opcode.pt", "unknown pickle opcode 0xee at offset 5"),
            ("truncated.pt", "end-of-central-directory record (the file is cut short)"),
            ("short-storage.pt", "'fc1.weight': shape [6, 4] needs 24 elements of storage '0', which holds 10"),
        ] {
            let run = try Self.orbit(["inspect", Self.fixtures + "/" + name])
            #expect(run.status != 0, "\(name)")
            let lines = run.error.split(separator: "\n").filter { !$0.isEmpty }
            #expect(lines.count == 1 && lines[0].contains(name) && lines[0].contains(needle), "\(run.error)")
        }
        #expect(!FileManager.default.fileExists(atPath: marker))
    }
}
