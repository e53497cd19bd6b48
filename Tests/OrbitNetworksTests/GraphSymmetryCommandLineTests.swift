import Foundation
import OrbitCheckpoints
import OrbitNetworks
import OrbitNumerics
import OrbitTestSupport
import Testing

/// `orbit symmetry transform|check --action rescale` on graph networks (`docs/math/layer-graph.md
/// §6`), and two model files whose graphs differ, named at the first differing node, end to end.
@Suite struct GraphSymmetryCommandLineTests: OrbitCommandLineSuite {
    static func write(_ description: String, seed: UInt64, to file: String, in dir: URL) throws {
        let network = try Network(parsing: description)
        var theta: ParameterVector<Float> = network.initialParameters(seed: seed, as: Float.self)
        // BatchNorm γ, β and running statistics away from their initial 1, 0, 0, 1.
        var g = SeededGenerator(seed: seed + 100)
        theta.withUnsafeMutableBufferPointer { p in
            for spec in network.layout.tensors where spec.name.contains("bn") {
                for i in spec.offset..<(spec.offset + spec.count) {
                    let noise = Float(0.2 * g.nextGaussian())
                    p[i] = spec.name.hasSuffix("running_var") ? 0.5 + abs(p[i] + noise) : p[i] + noise
                }
            }
        }
        try ModelFile.write(Model(network: network, parameters: theta), to: dir.appendingPathComponent(file).path)
    }

    /// Reads every "loss" number of an `orbit eval --json` file.
    static func losses(_ dir: URL, _ file: String) throws -> [Double] {
        let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
        return text.split(separator: "\n").filter { $0.contains("\"loss\"") }.compactMap {
            Double($0.split(separator: ":").last!.trimmingCharacters(in: .whitespaces.union(.init(charactersIn: ","))))
        }
    }

    /// A ResNet-20 with BatchNorm: `check --action rescale` passes in evaluation mode and says how
    /// BatchNorm is handled; `transform` writes g·θ, which evaluates to the same losses and passes the
    /// check again; a tanh CNN is refused naming its tanh node; `symmetry rescale` refuses graphs in
    /// one line saying why.
    @Test(.enabled(if: binary != nil)) func rescaleTransformAndCheckOnAResNet() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("orbit-rescale-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try GraphCommandLineTests.writeImages(in: dir)
        let data = "npz:img.npz"
        try Self.write("resnet20:w=2:in=1x8x8:out=3", seed: 1, to: "r.safetensors", in: dir)

        let check = try Self.orbit(
            ["symmetry", "check", "r.safetensors", "--action", "rescale", "--data", data], in: dir)
        #expect(check.status == 0, "\(check.error)")
        #expect(
            check.output.contains("ok: the rescale action") && check.output.contains("evaluation mode")
                && check.output.contains("BatchNorm γ, β carry the scale"), "\(check.output)")
        let moved = try Self.orbit(
            [
                "symmetry", "transform", "r.safetensors", "--action", "rescale", "--seed", "3", "--strength", "0.7",
                "--out", "s.safetensors",
            ], in: dir)
        #expect(moved.status == 0 && moved.output.contains("applied a rescale element"), "\(moved.error)")
        let again = try Self.orbit(
            ["symmetry", "check", "s.safetensors", "--action", "rescale", "--data", data], in: dir)
        #expect(again.status == 0 && again.output.contains("ok: the rescale action"), "\(again.error)")

        let a = try Self.orbit(["eval", "r.safetensors", "--data", data, "--json", "a.json"], in: dir)
        let b = try Self.orbit(["eval", "s.safetensors", "--data", data, "--json", "b.json"], in: dir)
        #expect(a.status == 0 && b.status == 0, "\(a.error) \(b.error)")
        let (la, lb) = (try Self.losses(dir, "a.json"), try Self.losses(dir, "b.json"))
        #expect(la.count == 2 && lb.count == 2 && zip(la, lb).allSatisfy { abs($0 - $1) < 1e-5 }, "\(la) \(lb)")
        let ra = try ModelFile.read(dir.appendingPathComponent("r.safetensors").path, as: Double.self)
        let rb = try ModelFile.read(dir.appendingPathComponent("s.safetensors").path, as: Double.self)
        #expect(rb.parameters.distance(to: ra.parameters) > 0.1, "the rescaling moved nothing")

        // A residual MLP (a dense chain the chain action refuses): its stream is one space.
        try Self.write("resmlp:6-5x2-3:relu", seed: 4, to: "m.safetensors", in: dir)
        let residual = try Self.orbit(["symmetry", "check", "m.safetensors", "--action", "rescale"], in: dir)
        #expect(residual.status == 0 && residual.output.contains("ok: the rescale action"), "\(residual.error)")

        try Self.write("cnn:1x8x8-c4-p-c6s2-gap-3:tanh", seed: 2, to: "t.safetensors", in: dir)
        let tanh = try Self.orbit(["symmetry", "check", "t.safetensors", "--action", "rescale"], in: dir)
        #expect(
            tanh.status != 0 && tanh.error.split(separator: "\n").count == 1
                && tanh.error.contains("node 'layers.1' (tanh)"), "\(tanh.error)")

        let study = try Self.orbit(["symmetry", "rescale", "r.safetensors", "--data", data, "--out", "x"], in: dir)
        #expect(
            study.status != 0 && study.error.split(separator: "\n").count == 1 && study.error.contains("closed form")
                && study.error.contains("'conv1'"), "\(study.error)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("x").path))
    }

    /// Two ResNet-20s of different width, or with BatchNorm and with LayerNorm: `path` and `align`
    /// stop at the first node that differs, naming it with its kind and shapes in each file.
    @Test(.enabled(if: binary != nil)) func differentGraphsNameTheFirstDifferingNode() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("orbit-graphs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try GraphCommandLineTests.writeImages(in: dir)
        let data = "npz:img.npz"
        try Self.write("resnet20:w=2:in=1x8x8:out=3", seed: 1, to: "r.safetensors", in: dir)
        try Self.write("resnet20:w=3:in=1x8x8:out=3", seed: 2, to: "w.safetensors", in: dir)
        try Self.write("resnet20:w=2:ln:in=1x8x8:out=3", seed: 3, to: "l.safetensors", in: dir)

        let wider = try Self.orbit(["path", "r.safetensors", "w.safetensors", "--data", data, "--out", "p"], in: dir)
        #expect(
            wider.status != 0 && wider.error.split(separator: "\n").count == 1
                && wider.error.contains("w.safetensors does not match r.safetensors at node 'conv1'")
                && wider.error.contains("Conv2d(1→2, 3×3, pad 1, no bias)")
                && wider.error.contains("Conv2d(1→3, 3×3, pad 1, no bias)") && wider.error.contains("1×8×8 → 3×8×8"),
            "\(wider.error)")
        let norm = try Self.orbit(
            ["align", "r.safetensors", "l.safetensors", "--data", data, "--out", "o.safetensors"], in: dir)
        #expect(
            norm.status != 0
                && norm.error.contains("l.safetensors does not match r.safetensors at node 'bn1'")
                && norm.error.contains("BatchNorm2d(2)") && norm.error.contains("LayerNorm(2×8×8)"), "\(norm.error)")
        for file in ["p", "o.safetensors"] {
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(file).path))
        }
    }
}
