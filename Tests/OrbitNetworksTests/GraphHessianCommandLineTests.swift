import Foundation
import OrbitCheckpoints
import OrbitNetworks
import OrbitTestSupport
import Testing

/// `orbit hessian` and `orbit path --hessian` on a convolutional network with BatchNorm: every
/// estimate, blocks of parameter tensors only, and the BatchNorm handling stated.
@Suite struct GraphHessianCommandLineTests: OrbitCommandLineSuite {
    /// 1×8×8 images of three classes (240 training samples).
    static let data = "npz:img.npz"
    static let architecture = "cnn:1x8x8-c2-p-3:relu:bn"

    static func directory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("orbit-hessian-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try GraphCommandLineTests.writeImages(in: dir)
        let network = try Network(parsing: architecture)
        for (name, seed) in [("a", UInt64(1)), ("b", 2)] {
            let theta: ParameterVector<Float> = network.initialParameters(seed: seed)
            try ModelFile.write(
                Model(network: network, parameters: theta), to: dir.appendingPathComponent("\(name).safetensors").path)
        }
        return dir
    }

    @Test(.enabled(if: binary != nil)) func hessianOfAConvNetStatesTheBatchNormHandling() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Self.orbit(
            [
                "hessian", "a.safetensors", "--data", Self.data, "--samples", "60", "--top-k", "2", "--steps", "10",
                "--probes", "4", "--density-runs", "1", "--density-steps", "5", "--block-steps", "3", "--report", "rep",
            ], in: dir)
        #expect(r.status == 0, "\(r.error)")
        #expect(r.output.contains("the first 60 training samples"))
        #expect(r.output.contains("λ1 =") && r.output.contains("λ2 ="))
        #expect(r.output.contains("BatchNorm in evaluation mode") && r.output.contains("model.eval()"))
        // Blocks: each parameter tensor (convolution, BatchNorm's γ and β, classifier); no running statistics.
        #expect(r.output.contains("layers.0.weight") && r.output.contains("layers.1.weight"))
        #expect(!r.output.contains("running_mean") && !r.output.contains("running_var"))
        let text = try String(contentsOf: dir.appendingPathComponent("rep/hessian.json"), encoding: .utf8)
        #expect(!text.contains("NaN"))
        let json = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(json["samples"] as? Int == 60)
        let layout = try Network(parsing: Self.architecture).layout
        let parameterTensors = layout.tensors.filter { $0.role == .parameter }.count
        #expect(parameterTensors < layout.tensors.count)
        #expect((json["blocks"] as? [Any])?.count == parameterTensors)

        let path = try Self.orbit(
            [
                "path", "a.safetensors", "b.safetensors", "--data", Self.data, "--points", "3", "--out", "p",
                "--hessian", "top,trace", "--hessian-samples", "240", "--hessian-steps", "5", "--hessian-probes", "3",
            ], in: dir)
        #expect(path.status == 0, "\(path.error)")
        #expect(
            path.error.contains("BatchNorm in evaluation mode") && path.error.contains("reset at every point"),
            "\(path.error)")
        let csv = try String(contentsOf: dir.appendingPathComponent("p/curvature.csv"), encoding: .utf8)
        let rows = csv.split(separator: "\n").dropFirst().map { $0.split(separator: ",") }
        #expect(rows.count == 3)
        #expect(!csv.contains("nan") && !csv.contains("NaN"))
        // The curvature is taken at the points the profile evaluated (statistics reset at every t): over
        // the whole train split, the losses beside the curvature are the profile's train losses.
        let profile = try String(contentsOf: dir.appendingPathComponent("p/profile.csv"), encoding: .utf8)
        let trainLosses = profile.split(separator: "\n").dropFirst().map { $0.split(separator: ",") }
            .filter { $0[2] == "train" }.map { Double($0[3])! }
        let curvatureLosses = rows.map { Double($0[2])! }
        #expect(trainLosses.count == 3)
        for (a, b) in zip(curvatureLosses, trainLosses) { #expect(abs(a - b) <= 1e-6 * max(1, abs(b)), "\(a) vs \(b)") }
    }
}
