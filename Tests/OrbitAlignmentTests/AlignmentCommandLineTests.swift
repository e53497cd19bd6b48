import Foundation
import OrbitAlignment
import OrbitCheckpoints
import OrbitNetworks
import OrbitNumerics
import OrbitTestSupport
import Testing

/// `orbit align` and `orbit merge` end to end on tiny synthetic models: the written π(B) computes B's
/// function and is closer to A; merging writes a model; nonsense exits non-zero with a one-line reason.
/// Runs when the `orbit` binary was built next to the test bundle (as `scripts/test.sh` does).
@Suite struct AlignmentCommandLineTests: OrbitCommandLineSuite {
    @Test(.enabled(if: binary != nil)) func alignAndMergeRoundTrip() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("orbit-align-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let network = try Network(parsing: "mlp:8-16-12-3:relu")
        let spec = try PermutationSpec(network: network)
        let a: ParameterVector<Float> = network.initialParameters(seed: 1)
        // B: a permuted, slightly perturbed copy of A (so the planted permutation is the answer), and C independent.
        var b = spec.apply(Permutations.random(spec, seed: 4), to: a)
        b.add(network.initialParameters(seed: 9), scaledBy: 0.01)
        let c: ParameterVector<Float> = network.initialParameters(seed: 3)
        for (name, theta) in [("a", a), ("b", b), ("c", c)] {
            try ModelFile.write(
                Model(network: network, parameters: theta), to: dir.appendingPathComponent("\(name).safetensors").path)
        }
        let data = "synthetic:random-labels:d=8,k=3,n=120,test=40,seed=2"
        for method in ["weight", "activation", "sigma", "ot", "sinkhorn"] {
            let r = try Self.orbit(
                [
                    "align", "a.safetensors", "b.safetensors", "--method", method, "--data", data, "--points", "5",
                    "--out", "b-\(method).safetensors",
                ],
                in: dir)
            #expect(r.status == 0, "\(method): \(r.error)")
            #expect(r.output.contains("largest |Δoutput|") && r.output.contains("line A→π(B)"), "\(r.output)")
            let aligned: Model<Float> = try ModelFile.read(dir.appendingPathComponent("b-\(method).safetensors").path)
            #expect(aligned.network == network)
            #expect(Double(aligned.parameters.distance(to: a)) < 0.5 * Double(b.distance(to: a)), "\(method)")
            #expect(Double(aligned.parameters.norm) == Double(b.norm) || abs(aligned.parameters.norm - b.norm) < 1e-4)
        }
        let noEval = try Self.orbit(
            ["align", "a.safetensors", "c.safetensors", "--no-eval", "--out", "c2.safetensors"], in: dir)
        #expect(noEval.status == 0 && !noEval.output.contains("path_max"), "\(noEval.error)")

        let merge = try Self.orbit(
            [
                "merge", "a.safetensors", "b.safetensors", "c.safetensors", "--repair", "--data", data, "--out",
                "m.safetensors",
            ],
            in: dir)
        #expect(merge.status == 0, "\(merge.error)")
        #expect(merge.output.contains("train") && merge.output.contains("REPAIR"))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("m.safetensors").path))
        let merge2 = try Self.orbit(["merge", "a.safetensors", "b.safetensors", "--out", "m2.safetensors"], in: dir)
        #expect(merge2.status == 0, "\(merge2.error)")

        // Another architecture, an unknown method, a missing --data: one-line errors.
        let other = try Network(parsing: "mlp:8-10-3:relu")
        let otherParameters: ParameterVector<Float> = other.initialParameters(seed: 1)
        try ModelFile.write(
            Model(network: other, parameters: otherParameters), to: dir.appendingPathComponent("other.safetensors").path
        )
        for (bad, expected) in [
            (["align", "a.safetensors", "other.safetensors", "--out", "x.safetensors"], "layers.0.weight"),
            (
                ["align", "a.safetensors", "b.safetensors", "--method", "magic", "--out", "x.safetensors"],
                "unknown --method"
            ),
            (
                ["align", "a.safetensors", "b.safetensors", "--method", "activation", "--out", "x.safetensors"],
                "needs --data"
            ),
            (["merge", "a.safetensors", "b.safetensors", "--repair", "--out", "x.safetensors"], "needs --data"),
        ] {
            let r = try Self.orbit(bad, in: dir)
            #expect(r.status != 0, "\(bad) succeeded")
            #expect(r.error.contains(expected), "\(bad): \(r.error)")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.safetensors").path))
        }
    }
}
