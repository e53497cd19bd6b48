import OrbitCheckpoints
import OrbitNetworks
import Testing

/// Two models whose graphs differ are refused at the first node that differs, with its kind and
/// shapes in each file: graphs before their tensors are compared, dense chains after (so a chain's
/// width is still named by its tensor), and equal graphs pass.
@Suite struct GraphMismatchTests {
    static func mismatch(_ a: String, _ b: String) throws -> CheckpointError? {
        let reference: Model<Float> = try CheckpointTests.model(a, seed: 1, as: Float.self)
        let other: Model<Float> = try CheckpointTests.model(b, seed: 2, as: Float.self)
        do {
            try other.requireSameLayout(as: reference, file: "b", referenceFile: "a")
            return nil
        } catch {
            return error
        }
    }

    @Test func theFirstDifferingNodeIsNamed() throws {
        #expect(try Self.mismatch("resnet20:w=4:in=1x12x12", "resnet20:w=4:in=1x12x12") == nil)
        #expect(try Self.mismatch("mlp:6-8-3:relu", "mlp:6-8-3:relu") == nil)
        // A convolution's stride: the tensors agree, the graph does not.
        #expect(
            try Self.mismatch("cnn:1x8x8-c4-p-c6s2-gap-3:relu", "cnn:1x8x8-c4-p-c6-gap-3:relu")
                == .graphMismatch(
                    file: "b", reference: "a", node: "layers.3",
                    expected: "Conv2d(4→6, 3×3, stride 2, pad 1) reading 'layers.2' (4×4×4 → 6×2×2)",
                    found: "Conv2d(4→6, 3×3, pad 1) reading 'layers.2' (4×4×4 → 6×4×4)"))
        // BatchNorm against LayerNorm under the same names.
        let norm = try #require(try Self.mismatch("resnet20:w=4:bn:in=1x12x12", "resnet20:w=4:ln:in=1x12x12"))
        #expect(
            norm.description
                == "b does not match a at node 'bn1': a has BatchNorm2d(4) reading 'conv1' (4×12×12 → 4×12×12), b has LayerNorm(4×12×12) reading 'conv1' (4×12×12 → 4×12×12)"
        )
        // One graph longer than the other; a different input shape.
        let deeper = try #require(try Self.mismatch("cnn:1x8x8-c4-gap-3:relu", "cnn:1x8x8-c4-c4-gap-3:relu"))
        #expect(deeper.description.contains("at node 'layers.2'"), "\(deeper)")
        #expect(
            try Self.mismatch("cnn:1x8x8-c4-gap-3:relu", "cnn:1x9x9-c4-gap-3:relu")
                == .graphMismatch(file: "b", reference: "a", node: "input", expected: "1×8×8", found: "1×9×9"))
        // Dense chains: a width is a tensor mismatch as before; an activation, which no tensor shows, a node.
        guard case .layoutMismatch = try #require(try Self.mismatch("mlp:6-8-3:relu", "mlp:6-9-3:relu")) else {
            Issue.record("a wider chain is not a layout mismatch")
            return
        }
        let activation = try #require(try Self.mismatch("mlp:6-8-3:relu", "mlp:6-8-3:tanh"))
        #expect(
            activation.description.contains("at node 'layers.1': a has relu")
                && activation.description.contains("b has tanh"), "\(activation)")
    }
}
