import Foundation
import OrbitCheckpoints
import OrbitNetworks
import OrbitNumerics
import OrbitTestSupport
import Testing

/// `orbit align --method activation` on two conv nets with BatchNorm and an npz of images: B is a
/// random channel permutation of A (`orbit symmetry transform --action permutation`), and activation
/// matching on the images brings it back onto A, through the functional-equivalence check.
@Suite struct GraphAlignCommandLineTests: OrbitCommandLineSuite {
    @Test(.enabled(if: binary != nil)) func activationMatchingOfTwoConvNets() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("orbit-galign-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try GraphCommandLineTests.writeImages(in: dir)
        let network = try Network(parsing: GraphCommandLineTests.architecture)
        // A perturbed initialisation, so that no two channels tie.
        var g = SeededGenerator(seed: 4)
        var a: ParameterVector<Float> = network.initialParameters(.he, seed: 1)
        for t in network.layout.tensors where t.role == .parameter {
            a.withMutableTensor(t) { v in
                for r in 0..<v.rows { for c in 0..<v.columns { v[r, c] += Float(0.2 * g.nextGaussian()) } }
            }
        }
        try ModelFile.write(
            Model(network: network, parameters: a), to: dir.appendingPathComponent("a.safetensors").path)
        let permute = try Self.orbit(
            [
                "symmetry", "transform", "a.safetensors", "--action", "permutation", "--seed", "5", "--out",
                "b.safetensors",
            ],
            in: dir)
        #expect(permute.status == 0, "\(permute.error)")
        let b: Model<Float> = try ModelFile.read(dir.appendingPathComponent("b.safetensors").path)
        #expect(b.parameters.distance(to: a) > 0.1)
        for method in ["activation", "sigma", "ot"] {
            let r = try Self.orbit(
                [
                    "align", "a.safetensors", "b.safetensors", "--method", method, "--data", "npz:img.npz", "--points",
                    "3", "--out", "b-\(method).safetensors",
                ], in: dir)
            #expect(r.status == 0, "\(method): \(r.error)")
            #expect(r.output.contains("largest |Δoutput|"), "\(r.output)")
            let aligned: Model<Float> = try ModelFile.read(dir.appendingPathComponent("b-\(method).safetensors").path)
            #expect(aligned.network == network)
            #expect(aligned.parameters.distance(to: a) <= 1e-5 * max(1, a.norm), "\(method): not brought back onto A")
        }
        // Merging A with its permutation by activation matching gives A's parameters back (its
        // BatchNorm statistics recomputed on the images, --bn reset).
        let merge = try Self.orbit(
            [
                "merge", "a.safetensors", "b.safetensors", "--method", "activation", "--data", "npz:img.npz", "--out",
                "m.safetensors",
            ],
            in: dir)
        #expect(merge.status == 0, "\(merge.error)")
        #expect(
            merge.output.contains("aligned b.safetensors to a.safetensors (activation-correlation"), "\(merge.output)")
        let merged: Model<Float> = try ModelFile.read(dir.appendingPathComponent("m.safetensors").path)
        for t in network.layout.tensors where t.role == .parameter {
            let (x, y) = (merged.parameters.tensor(t.name)!, a.tensor(t.name)!)
            #expect(zip(x.flat, y.flat).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) }, "\(t.name)")
        }
    }
}
