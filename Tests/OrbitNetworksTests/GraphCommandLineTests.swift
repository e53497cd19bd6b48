import Foundation
import OrbitCheckpoints
import OrbitData
import OrbitFormats
import OrbitNetworks
import OrbitNumerics
import OrbitTestSupport
import OrbitTraining
import Testing

/// The `orbit` executable on graph networks, end to end on a tiny image data set (240 + 60 samples
/// of 1×8×8, three classes told apart by where a bright band lies): two CNNs with BatchNorm trained
/// for one epoch, evaluated, inspected, and measured along the line between them with
/// `--bn reset` and `--bn interpolate`, on a plane and a landscape, and through a fitted NGD centre;
/// dense-only commands refuse a ResNet-20 in one line and write nothing; misfitting data and a
/// mis-shaped checkpoint tensor are named with both shapes.
@Suite struct GraphCommandLineTests: OrbitCommandLineSuite {
    static let architecture = "cnn:1x8x8-c4-p-c6s2-gap-3:relu:bn"

    /// Writes img.npz (x_train 240×1×8×8, x_test 60×1×8×8, labels 0…2) into `dir`.
    static func writeImages(in dir: URL) throws {
        var g = SeededGenerator(seed: 7)
        func split(_ n: Int, _ x: String, _ y: String) throws -> [RawTensor] {
            var pixels = [Float](repeating: 0, count: n * 64)
            var labels = [Int64](repeating: 0, count: n)
            for i in 0..<n {
                let c = i % 3
                labels[i] = Int64(c)
                for p in 0..<64 {
                    let (row, column) = (p / 8, p % 8)
                    let band: Float = row >= 2 * c && row < 2 * c + 3 && column >= 2 && column < 6 ? 1.5 : 0
                    pixels[i * 64 + p] = band + 0.3 * Float(g.nextGaussian())
                }
            }
            return [
                try RawTensor(name: x, shape: [n, 1, 8, 8], elements: pixels),
                try RawTensor(name: y, shape: [n], elements: labels),
            ]
        }
        let arrays = try split(240, "x_train", "y_train") + split(60, "x_test", "y_test")
        try NPZFile(arrays: arrays).write(to: dir.appendingPathComponent("img.npz").path)
    }

    static func json(_ dir: URL, _ file: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent(file))) as! [String: Any]
    }

    /// The train losses at each t of profile.json.
    static func trainLosses(_ profile: [String: Any]) -> [Double] {
        ((profile["points"] as? [[String: Any]]) ?? []).compactMap {
            ($0["train"] as? [String: Any])?["loss"] as? Double
        }
    }

    @Test(.enabled(if: binary != nil)) func cnnWithBatchNormEndToEnd() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("orbit-graph-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.writeImages(in: dir)
        let data = "npz:img.npz"
        for seed in ["1", "2", "3"] {
            let r = try Self.orbit(
                [
                    "train", "--arch", Self.architecture, "--data", data, "--epochs", "1", "--batch", "32", "--lr",
                    "0.05", "--seed", seed, "--quiet", "--out", "m\(seed).safetensors",
                ], in: dir)
            #expect(r.status == 0, "\(r.error)")
        }
        let eval = try Self.orbit(["eval", "m1.safetensors", "--data", data, "--json", "eval.json"], in: dir)
        #expect(eval.status == 0, "\(eval.error)")
        let evalTrain = try #require((try Self.json(dir, "eval.json"))["train"] as? [String: Any])
        let evalLoss = try #require(evalTrain["loss"] as? Double)

        let inspect = try Self.orbit(["inspect", "m1.safetensors"], in: dir)
        #expect(inspect.status == 0, "\(inspect.error)")
        for fragment in ["BatchNorm2d(4)", "Conv2d(4→6, 3×3, stride 2, pad 1, no bias)", "6×2×2", "total", "293"] {
            #expect(inspect.output.contains(fragment), "\(fragment) missing from:\n\(inspect.output)")
        }

        var profiles: [String: [String: Any]] = [:]
        for bn in ["reset", "interpolate"] {
            let r = try Self.orbit(
                ["path", "m1.safetensors", "m2.safetensors", "--data", data, "--points", "5", "--bn", bn, "--out", bn],
                in: dir)
            #expect(r.status == 0, "\(r.error)")
            profiles[bn] = try Self.json(dir, "\(bn)/profile.json")
            #expect(profiles[bn]?["batch_norm"] as? String == bn)
            let html = try String(contentsOf: dir.appendingPathComponent("\(bn)/report.html"), encoding: .utf8)
            #expect(html.contains(BatchNormHandling(rawValue: bn)!.reportDescription))
        }
        let reset = Self.trainLosses(profiles["reset"]!), interpolated = Self.trainLosses(profiles["interpolate"]!)
        try #require(reset.count == 5 && interpolated.count == 5)
        // Interpolated buffers at t = 0 are A's own: the path starts at `orbit eval`'s loss.
        #expect(abs(interpolated[0] - evalLoss) <= 1e-5 * max(1, evalLoss), "\(interpolated[0]) vs \(evalLoss)")
        // The interior points differ: recomputed statistics are not interpolated ones.
        #expect(zip(reset, interpolated).dropFirst().dropLast().allSatisfy { abs($0 - $1) > 1e-6 })
        // Under reset, the end point is A with its statistics recomputed on the train split, in batches
        // of the path's 1000 rows: write that model and `orbit eval` it.
        let dataset = try DatasetSpec(parsing: dir.appendingPathComponent("img.npz").path.npzSpec).load()
        let a: Model<Float> = try ModelFile.read(dir.appendingPathComponent("m1.safetensors").path)
        var points = [a.parameters]
        a.network.resetBatchNormStatistics(&points, on: dataset.train, batchSize: 1000)
        try ModelFile.write(
            Model(network: a.network, parameters: points[0]),
            to: dir.appendingPathComponent("m1-reset.safetensors").path)
        let resetEval = try Self.orbit(
            ["eval", "m1-reset.safetensors", "--data", data, "--json", "reset.json"], in: dir)
        #expect(resetEval.status == 0, "\(resetEval.error)")
        let resetLoss = try #require(
            ((try Self.json(dir, "reset.json"))["train"] as? [String: Any])?["loss"] as? Double)
        #expect(abs(reset[0] - resetLoss) <= 1e-5 * max(1, resetLoss), "\(reset[0]) vs \(resetLoss)")
        #expect(abs(resetLoss - evalLoss) > 1e-6, "a reset changes the running statistics of one epoch")

        let plane = try Self.orbit(
            [
                "plane", "m1.safetensors", "m2.safetensors", "m3.safetensors", "--grid", "3", "--data", data,
                "--bn", "interpolate", "--out", "plane",
            ], in: dir)
        #expect(plane.status == 0, "\(plane.error)")
        #expect((try Self.json(dir, "plane/plane.json"))["batch_norm"] as? String == "interpolate")
        let landscape = try Self.orbit(
            [
                "landscape", "m1.safetensors", "--dimensions", "1", "--grid", "3", "--data", data, "--out",
                "landscape",
            ], in: dir)
        #expect(landscape.status == 0, "\(landscape.error)")
        #expect((try Self.json(dir, "landscape/landscape.json"))["batch_norm"] as? String == "reset")
        let ngd = try Self.orbit(
            [
                "ngd", "m1.safetensors", "m2.safetensors", "--data", data, "--epochs", "1", "--batch", "32",
                "--points", "3", "--quiet", "--report", "ngd",
            ], in: dir)
        #expect(ngd.status == 0, "\(ngd.error)")
        #expect((try Self.json(dir, "ngd/star.json"))["batch_norm"] as? String == "reset")

        // Data whose samples do not fit: both shapes named.
        let flat = try Self.orbit(
            ["eval", "m1.safetensors", "--data", "synthetic:random-labels:d=8,k=3,n=20,test=5,seed=2"], in: dir)
        #expect(
            flat.status != 0 && flat.error.contains("1×8×8") && flat.error.contains("8 flat features"), "\(flat.error)")
        // A checkpoint tensor of the wrong shape: the tensor, the expected and the found shape.
        let wrong = try Self.orbit(
            ["eval", "m1.safetensors", "--data", data, "--arch", "cnn:1x8x8-c5-p-c6s2-gap-3:relu:bn"], in: dir)
        #expect(
            wrong.status != 0 && wrong.error.contains("layers.0.weight") && wrong.error.contains("[4, 1, 3, 3]")
                && wrong.error.contains("[5, 1, 3, 3]"), "\(wrong.error)")
    }

    /// Commands written for dense chains refuse a ResNet-20 in one line naming its first convolution,
    /// exit non-zero, and write nothing.
    @Test(.enabled(if: binary != nil)) func denseOnlyCommandsRefuseGraphs() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("orbit-graph-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.writeImages(in: dir)
        let network = try Network(parsing: "resnet20:w=2:in=1x8x8:out=3")
        try ModelFile.write(
            Model(network: network, parameters: network.initialParameters(seed: 1, as: Float.self)),
            to: dir.appendingPathComponent("r.safetensors").path)
        let data = "npz:img.npz"
        for command in [
            ["symmetry", "check", "r.safetensors", "--action", "gl"]
        ] {
            let r = try Self.orbit(command, in: dir)
            let lines = r.error.split(separator: "\n")
            #expect(r.status != 0, "\(command) succeeded")
            #expect(
                lines.count == 1 && r.error.contains("'conv1'") && r.error.contains("Conv2d")
                    && r.error.contains("dense networks"), "\(command): \(r.error)")
            for file in ["out.safetensors", "out"] {
                #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(file).path), "\(command)")
            }
        }
        // Every matcher takes any graph (docs/math/alignment.md §11): naive matching aligns and merges a ResNet.
        for command in [
            [
                "align", "r.safetensors", "r.safetensors", "--method", "naive", "--no-eval", "--out",
                "aligned.safetensors",
            ],
            [
                "merge", "r.safetensors", "r.safetensors", "--method", "naive", "--bn", "interpolate", "--out",
                "m.safetensors",
            ],
        ] {
            let r = try Self.orbit(command, in: dir)
            #expect(r.status == 0, "\(command): \(r.error)")
        }
        // The permutation action takes any graph: one permutation per free channel space.
        let check = try Self.orbit(
            ["symmetry", "check", "r.safetensors", "--action", "permutation", "--data", data], in: dir)
        #expect(check.status == 0 && check.output.contains("ok: the permutation action"), "\(check.error)")
        let moved = try Self.orbit(
            [
                "symmetry", "transform", "r.safetensors", "--action", "permutation", "--seed", "3", "--out",
                "p.safetensors",
            ],
            in: dir)
        #expect(moved.status == 0, "\(moved.error)")
        let a = try Self.orbit(["eval", "r.safetensors", "--data", data, "--json", "a.json"], in: dir)
        let b = try Self.orbit(["eval", "p.safetensors", "--data", data, "--json", "b.json"], in: dir)
        #expect(a.status == 0 && b.status == 0)
        let ja = try String(contentsOf: dir.appendingPathComponent("a.json"), encoding: .utf8)
        let jb = try String(contentsOf: dir.appendingPathComponent("b.json"), encoding: .utf8)
        func losses(_ text: String) -> [Double] {
            text.split(separator: "\n").filter { $0.contains("\"loss\"") }.compactMap {
                Double(
                    $0.split(separator: ":").last!.trimmingCharacters(in: .whitespaces.union(.init(charactersIn: ","))))
            }
        }
        // The same function in Float32 (the permuted sums round differently).
        #expect(losses(ja).count == 2 && zip(losses(ja), losses(jb)).allSatisfy { abs($0 - $1) < 1e-5 })
        let back = try Self.orbit(
            ["align", "r.safetensors", "p.safetensors", "--data", data, "--points", "3", "--out", "back.safetensors"],
            in: dir)
        #expect(back.status == 0, "\(back.error)")
        #expect(back.output.contains("spec derived from the graph") && back.output.contains("functional equivalence"))
        // π(P) = R exactly: the distance after matching is zero.
        #expect(back.output.contains("→ ‖θ_A − π(θ_B)‖ = 0\n"), "\(back.output)")
        let spec = try Self.orbit(
            ["align", "r.safetensors", "p.safetensors", "--show-spec", "--out", "unused"], in: dir)
        #expect(spec.status == 0 && spec.output.contains("layer2.0.downsample.0.weight[rows]"), "\(spec.output)")
        #expect(spec.output.contains("conv1.weight[columns in blocks of 9]"))
        // Merging R with its permuted copy gives R back (the running statistics reset on the data).
        let merged = try Self.orbit(
            [
                "merge", "r.safetensors", "p.safetensors", "--data", data, "--bn", "interpolate", "--out",
                "m.safetensors",
            ],
            in: dir)
        #expect(merged.status == 0 && merged.output.contains("spec derived from the graph"), "\(merged.error)")
        let mr = try ModelFile.read(dir.appendingPathComponent("m.safetensors").path, as: Float.self)
        let rr = try ModelFile.read(dir.appendingPathComponent("r.safetensors").path, as: Float.self)
        #expect(mr.parameters.distance(to: rr.parameters) < 1e-5)
    }
}

extension String {
    /// `npz:PATH` for a data set file.
    fileprivate var npzSpec: String { "npz:" + self }
}
