import Foundation
import OrbitCheckpoints
import OrbitNetworks
import OrbitNumerics
import OrbitTestSupport
import Testing

/// `orbit star` and `orbit ngd` end to end on tiny models, and their one-line validation errors. Runs
/// when the `orbit` binary has been built next to the test bundle.
@Suite struct StarCommandLineTests: OrbitCommandLineSuite {
    func models(in dir: URL) throws {
        for (name, arch, seed) in [
            ("a", "mlp:4-6-3:relu", 1), ("b", "mlp:4-6-3:relu", 2), ("c", "mlp:4-6-3:relu", 3),
            ("w", "mlp:4-7-3:relu", 4),
        ] {
            let network = try Network(parsing: arch)
            let model = Model(
                network: network, parameters: network.initialParameters(seed: UInt64(seed), as: Float.self))
            try ModelFile.write(model, to: dir.appendingPathComponent("\(name).safetensors").path)
        }
    }

    @Test(.enabled(if: binary != nil)) func starAndNGDEndToEndAndValidation() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("orbit-star-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try models(in: dir)
        let data = "synthetic:random-labels:d=4,k=3,n=100,test=20,seed=2"
        let star = try Self.orbit(
            [
                "star", "a.safetensors", "b.safetensors", "--held-out", "c.safetensors", "--data", data, "--epochs",
                "2",
                "--batch", "50", "--quiet", "--points", "5", "--out", "centre.safetensors", "--report", "rep",
            ], in: dir)
        #expect(star.status == 0, "\(star.error)")
        for file in ["centre.safetensors", "rep/report.html", "rep/star.json", "rep/star.csv", "rep/fold-loss.svg"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(file).path), "\(file)")
        }
        #expect(
            !FileManager.default.fileExists(
                atPath: dir.appendingPathComponent("centre.safetensors.state.safetensors").path))
        let json =
            try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("rep/star.json")))
            as! [String: Any]
        #expect((json["pairs"] as? [Any])?.count == 1 && (json["held_out_pairs"] as? [Any])?.count == 2)
        #expect(json["barrier_definitions"] is [String: Any] && json["orbit_version"] is String)
        let ngd = try Self.orbit(
            [
                "ngd", "a.safetensors", "b.safetensors", "--data", data, "--centre", "centre.safetensors", "--points",
                "5",
            ],
            in: dir)
        #expect(ngd.status == 0 && ngd.output.contains("NGD upper bound"), "\(ngd.error)")

        let one = try Self.orbit(["star", "a.safetensors", "--data", data, "--out", "x.safetensors"], in: dir)
        #expect(one.status != 0 && one.error.contains("at least 2"))
        let mismatch = try Self.orbit(
            ["star", "a.safetensors", "w.safetensors", "--data", data, "--out", "x.safetensors", "--quiet"], in: dir)
        // One line names the file and the first tensor that differs (ArgumentParser adds its usage hint after it).
        let first = mismatch.error.split(separator: "\n").first.map(String.init) ?? ""
        #expect(
            mismatch.status != 0 && first.contains("w.safetensors") && first.contains("layers.0.weight"),
            "\(mismatch.error)")
        let negative = try Self.orbit(
            ["star", "a.safetensors", "b.safetensors", "--data", data, "--out", "x.safetensors", "--penalty", "-1"],
            in: dir)
        #expect(negative.status != 0 && negative.error.contains("--penalty"))
        let both = try Self.orbit(
            [
                "ngd", "a.safetensors", "b.safetensors", "--data", data, "--centre", "centre.safetensors", "--out",
                "y.safetensors",
            ],
            in: dir)
        #expect(both.status != 0 && both.error.contains("--centre"))
    }
}
