import Foundation
import OrbitTestSupport
import Testing

/// The `orbit` executable end to end on synthetic data: train two models, measure the path between
/// them, and check the files and JSON keys the README documents; nonsense options exit non-zero
/// with a one-line reason. Runs when the binary has been built next to the test bundle (as
/// `scripts/test.sh` does).
@Suite struct CommandLineTests: OrbitCommandLineSuite {
    @Test(.enabled(if: binary != nil)) func trainEvalPathEndToEnd() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("orbit-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let data = "synthetic:random-labels:d=8,k=3,n=200,test=50,seed=2"
        for seed in ["1", "2"] {
            let r = try Self.orbit(
                [
                    "train", "--arch", "mlp:8-16-3:relu", "--data", data, "--epochs", "3", "--seed", seed, "--quiet",
                    "--out", "m\(seed).safetensors",
                ],
                in: dir)
            #expect(r.status == 0, "\(r.error)")
        }
        let eval = try Self.orbit(["eval", "m1.safetensors", "--data", data, "--json", "eval.json"], in: dir)
        #expect(eval.status == 0, "\(eval.error)")
        let evalJSON =
            try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("eval.json")))
            as! [String: Any]
        #expect(
            (evalJSON["train"] as? [String: Any])?["loss"] is Double
                && (evalJSON["test"] as? [String: Any])?["accuracy"] is Double)

        let path = try Self.orbit(
            ["path", "m1.safetensors", "m2.safetensors", "--data", data, "--points", "9", "--out", "ab"], in: dir)
        #expect(path.status == 0, "\(path.error)")
        for file in ["report.html", "profile.json", "profile.csv", "profile.svg"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("ab/\(file)").path), "\(file)")
        }
        let profile =
            try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("ab/profile.json")))
            as! [String: Any]
        let points = try #require(profile["points"] as? [[String: Any]])
        #expect(points.count == 9 && points.first?["t"] as? Double == 0 && points.last?["t"] as? Double == 1)
        #expect(((points[4]["train"] as? [String: Any])?["loss"]) is Double)
        let barriers = try #require(profile["barriers"] as? [String: Any])
        #expect(Set(barriers.keys) == ["convex_combination", "mean_endpoint", "midpoint", "path_max"])
        #expect(path.output.contains("path_max"))

        for bad in [
            ["path", "m1.safetensors", "m2.safetensors", "--data", data, "--points", "1", "--out", "x"],
            [
                "plane", "m1.safetensors", "m2.safetensors", "m1.safetensors", "--grid", "1", "--data", data, "--out",
                "x",
            ],
            [
                "curve", "m1.safetensors", "m2.safetensors", "--kind", "spline", "--data", data, "--out",
                "c.safetensors",
            ],
            ["train", "--arch", "mlp:8-16-3:swish", "--data", data, "--out", "x.safetensors"],
            ["eval", "missing.safetensors", "--data", data],
        ] {
            let r = try Self.orbit(bad, in: dir)
            #expect(r.status != 0, "\(bad) succeeded")
            #expect(!r.error.isEmpty && !r.error.contains("Fatal error"), "\(bad): \(r.error)")
        }
        // A model of another architecture is refused, naming the first tensor that differs.
        _ = try Self.orbit(
            [
                "train", "--arch", "mlp:8-17-3:relu", "--data", data, "--epochs", "1", "--quiet", "--out",
                "w.safetensors",
            ], in: dir)
        let mismatch = try Self.orbit(
            ["path", "m1.safetensors", "w.safetensors", "--data", data, "--out", "x"], in: dir)
        #expect(mismatch.status != 0 && mismatch.error.contains("layers.0.weight"), "\(mismatch.error)")
    }

    /// `orbit symmetry transform` then `curve` on a linear chain trained in Float64: the orbit curve
    /// holds the loss constant while the straight line between the two minima rises.
    @Test(.enabled(if: binary != nil)) func symmetryCurveEndToEnd() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("orbit-sym-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let data = "synthetic:linear-teacher:d=6,k=3,n=300,test=50,seed=1"
        let train = try Self.orbit(
            [
                "train", "--arch", "linear:6-6-6-3", "--data", data, "--double", "--epochs", "30", "--optimizer",
                "adam", "--lr", "0.01", "--quiet", "--out", "a.safetensors",
            ],
            in: dir)
        #expect(train.status == 0, "\(train.error)")
        let transform = try Self.orbit(
            [
                "symmetry", "transform", "a.safetensors", "--action", "gl", "--seed", "3", "--strength", "1", "--out",
                "b.safetensors",
            ], in: dir)
        #expect(transform.status == 0, "\(transform.error)")
        let curve = try Self.orbit(
            ["symmetry", "curve", "a.safetensors", "b.safetensors", "--data", data, "--points", "11", "--out", "sym"],
            in: dir)
        #expect(curve.status == 0, "\(curve.error)")
        let profile =
            try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("sym/profile.json")))
            as! [String: Any]
        let paths = try #require(profile["paths"] as? [[String: Any]])
        func trainLoss(_ p: [String: Any]) -> [Double] {
            (p["points"] as! [[String: Any]]).map { (($0["train"] as! [String: Any])["loss"] as! Double) }
        }
        let line = trainLoss(paths[0]), orbit = trainLoss(paths[1])
        #expect(orbit.max()! - orbit.min()! <= 1e-9 * max(orbit.max()!, 1e-6), "orbit curve loss: \(orbit)")
        #expect(line.max()! > orbit.max()! + 1e-3, "line loss: \(line)")
        let check = try Self.orbit(["symmetry", "check", "a.safetensors", "--action", "permutation"], in: dir)
        #expect(check.status == 0 && check.output.hasPrefix("ok"), "\(check.error)")
        let refused = try Self.orbit(["symmetry", "check", "a.safetensors", "--action", "rotate"], in: dir)
        #expect(refused.status != 0)
    }
}
