import Foundation
import OrbitCheckpoints
import OrbitNetworks
import OrbitTestSupport
import Testing

/// `orbit hessian` and `orbit path --hessian` end to end: the summary, every report file, the stated
/// sample selection, and clear errors for bad input.
@Suite struct HessianCommandLineTests: OrbitCommandLineSuite {
    static let data = "synthetic:random-labels:d=6,k=3,n=200,test=40,seed=2"

    static func directory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("orbit-hessian-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let network = try Network(parsing: "mlp:6-10-3:tanh")
        for (name, seed) in [("a", UInt64(1)), ("b", 2)] {
            let theta: ParameterVector<Float> = network.initialParameters(seed: seed)
            try ModelFile.write(
                Model(network: network, parameters: theta), to: dir.appendingPathComponent("\(name).safetensors").path)
        }
        return dir
    }

    @Test(.enabled(if: binary != nil)) func hessianReportsEveryEstimateWithItsErrorBar() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Self.orbit(
            [
                "hessian", "a.safetensors", "--data", Self.data, "--samples", "100", "--top-k", "2", "--steps", "20",
                "--probes", "8", "--density-runs", "2", "--density-steps", "10", "--block-steps", "5", "--float64",
                "--report", "rep",
            ], in: dir)
        #expect(r.status == 0, "\(r.error)")
        #expect(r.output.contains("the first 100 training samples"))
        #expect(r.output.contains("λ1 =") && r.output.contains("λ2 =") && r.output.contains("residual"))
        #expect(r.output.contains("8 Rademacher probes") && r.output.contains("(SE)"))
        #expect(r.output.contains("layers.0.weight") && r.output.contains("layers.2.bias"))
        for file in [
            "hessian.json", "eigenvalues.csv", "blocks.csv", "density.csv", "lines.csv", "density.svg",
            "eigenvector-lines.svg", "report.html",
        ] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("rep/\(file)").path), "\(file)")
        }
        let text = try String(contentsOf: dir.appendingPathComponent("rep/hessian.json"), encoding: .utf8)
        #expect(!text.contains("NaN"))
        let json = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(json["samples"] as? Int == 100)
        #expect(json["probes"] as? Int == 8)
        let top = try #require(json["top_k"] as? [[String: Any]])
        #expect(top.count == 2)
        let first = try #require(top.first?["eigenvalue"] as? Double),
            second = try #require(top.last?["eigenvalue"] as? Double)
        #expect(first >= second)
        let trace = try #require(json["trace"] as? [String: Any])
        #expect((trace["standard_error"] as? Double).map { $0 > 0 } == true)
        #expect((json["blocks"] as? [Any])?.count == 4)

        let seeded = try Self.orbit(
            [
                "hessian", "a.safetensors", "--data", Self.data, "--samples", "50", "--seed", "3", "--steps", "5",
                "--probes", "4", "--density-runs", "0", "--block-steps", "2",
            ], in: dir)
        #expect(seeded.status == 0, "\(seeded.error)")
        #expect(seeded.output.contains("50 training samples drawn at random with seed 3"))
    }

    @Test(.enabled(if: binary != nil)) func badInputIsAClearError() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tooMany = try Self.orbit(["hessian", "a.safetensors", "--data", Self.data, "--samples", "5000"], in: dir)
        #expect(tooMany.status != 0)
        #expect(tooMany.error.contains("--samples 5000 exceeds the 200 samples of the train split"), "\(tooMany.error)")
        let topK = try Self.orbit(
            ["hessian", "a.safetensors", "--data", Self.data, "--top-k", "5", "--steps", "3"], in: dir)
        #expect(topK.status != 0)
        #expect(topK.error.contains("--top-k 5 exceeds --steps 3"), "\(topK.error)")
        let quantity = try Self.orbit(
            ["path", "a.safetensors", "b.safetensors", "--data", Self.data, "--out", "p", "--hessian", "eigen"], in: dir
        )
        #expect(quantity.status != 0)
        #expect(quantity.error.contains("--hessian takes top, trace or top,trace"), "\(quantity.error)")
    }

    @Test(.enabled(if: binary != nil)) func pathReportsCurvatureBesideTheLoss() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Self.orbit(
            [
                "path", "a.safetensors", "b.safetensors", "--data", Self.data, "--points", "5", "--out", "p",
                "--hessian", "top,trace", "--hessian-samples", "64", "--hessian-steps", "8", "--hessian-probes", "4",
            ], in: dir)
        #expect(r.status == 0, "\(r.error)")
        let csv = try String(contentsOf: dir.appendingPathComponent("p/curvature.csv"), encoding: .utf8)
        let lines = csv.split(separator: "\n")
        #expect(lines.first?.hasPrefix("path,t,loss,barrier,top_eigenvalue,top_residual") == true)
        #expect(lines.count == 1 + 5)
        let profile = try String(contentsOf: dir.appendingPathComponent("p/profile.json"), encoding: .utf8)
        #expect(profile.contains("\"curvature\"") && profile.contains("\"hessian_vector_products\""))
        let html = try String(contentsOf: dir.appendingPathComponent("p/report.html"), encoding: .utf8)
        #expect(html.contains("Curvature along the paths"))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("p/curvature.svg").path))
        // Without --hessian: the plain report, no curvature files.
        let plain = try Self.orbit(
            ["path", "a.safetensors", "b.safetensors", "--data", Self.data, "--points", "5", "--out", "q"], in: dir)
        #expect(plain.status == 0, "\(plain.error)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("q/curvature.csv").path))
        let plainProfile = try String(contentsOf: dir.appendingPathComponent("q/profile.json"), encoding: .utf8)
        #expect(!plainProfile.contains("\"curvature\""))
    }

    @Test(.enabled(if: binary != nil)) func symmetryCurveReportsCurvatureOnBothPaths() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("orbit-hessian-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let network = try Network(parsing: "linear:4-4-4-3")
        let theta: ParameterVector<Float> = network.initialParameters(seed: 5)
        try ModelFile.write(
            Model(network: network, parameters: theta), to: dir.appendingPathComponent("a.safetensors").path)
        let data = "synthetic:linear-teacher:d=4,k=3,n=120,test=20,seed=1"
        let transform = try Self.orbit(
            ["symmetry", "transform", "a.safetensors", "--action", "gl", "--seed", "1", "--out", "b.safetensors"],
            in: dir)
        #expect(transform.status == 0, "\(transform.error)")
        let r = try Self.orbit(
            [
                "symmetry", "curve", "a.safetensors", "b.safetensors", "--data", data, "--points", "3", "--out", "s",
                "--hessian", "top", "--hessian-samples", "50", "--hessian-steps", "6",
            ], in: dir)
        #expect(r.status == 0, "\(r.error)")
        let csv = try String(contentsOf: dir.appendingPathComponent("s/curvature.csv"), encoding: .utf8)
        let rows = csv.split(separator: "\n").dropFirst()
        #expect(rows.count == 6)
        #expect(rows.filter { $0.hasPrefix("orbit curve") }.count == 3)
        // Only the top eigenvalue was asked for: the trace columns stay empty.
        #expect(rows.allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false)[7].isEmpty })
    }
}
