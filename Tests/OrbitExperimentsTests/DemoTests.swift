import Foundation
import Testing

@testable import OrbitCheckpoints
@testable import OrbitExperiments
@testable import OrbitNetworks
@testable import OrbitPaths

@Suite struct DemoTests {
    /// The quick demo end to end: every step runs, every file is written, the saved models load back
    /// bit for bit, and the numbers say what the demo claims — the orbit curve keeps the loss constant
    /// while the straight line to the same function climbs; permutations preserve the function.
    @Test func quickDemoWritesACompleteReport() throws {
        let dir = NSTemporaryDirectory() + "orbit-demo-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try Demo(configuration: .quickSetting, directory: dir, progressStyle: .quiet).run()

        for file in [
            "index.html", "summary.json", "barriers.csv", "summary.txt", "lines-loss.svg", "aligned-loss.svg",
            "curve-loss.svg", "star-loss.svg", "symmetry-loss.svg", "models/A.safetensors",
            "models/B-aligned.safetensors",
            "models/bend.safetensors", "models/centre.safetensors",
        ] {
            #expect(FileManager.default.fileExists(atPath: "\(dir)/\(file)"), "\(file) missing")
        }
        #expect(Set(result.groups.map(\.key)) == ["lines", "aligned", "curve", "star", "symmetry"])

        let a = try ModelFile.read("\(dir)/models/A.safetensors", as: Float.self)
        #expect(a.parameters == result.models[0].parameters)

        let symmetry = result.groups.first { $0.key == "symmetry" }!
        let orbitLoss = symmetry.profiles[1].splits["train"]!.map(\.loss)
        let spread = (orbitLoss.max()! - orbitLoss.min()!) / orbitLoss[0]
        #expect(spread < 1e-4, "the loss must be constant along the orbit curve (Float32), spread \(spread)")
        let lineBarrier = symmetry.profiles[0].barrier(.pathMaximum, split: "train", metric: "loss")!
        #expect(lineBarrier > orbitLoss.max()! * 1.01, "the straight line to D·A should leave the minimum")

        let star = result.groups.first { $0.key == "star" }!
        let bounds = star.numbers["ngd_bounds"]!.doubles!
        #expect(bounds.count == 3 && bounds.allSatisfy { $0 >= 1 && $0.isFinite })

        let json =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: "\(dir)/summary.json"))) as! [String: Any]
        #expect((json["barrier_definitions"] as? [String: Any])?.count == BarrierDefinition.allCases.count)
        #expect((json["groups"] as? [Any])?.count == 5)
        let html = try String(contentsOfFile: "\(dir)/index.html", encoding: .utf8)
        #expect(html.components(separatedBy: "<svg").count - 1 == 5)
    }
}
