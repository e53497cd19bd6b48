import Foundation
import OrbitCheckpoints
import OrbitNetworks
import OrbitNumerics
import OrbitTestSupport
import Testing

/// `orbit align` and `orbit merge` on two small CNNs with BatchNorm, trained for one epoch on the tiny
/// image set of ``GraphCommandLineTests``: one table holds naive / aligned / aligned+BN reset /
/// aligned+REPAIR (midpoint loss and accuracy, mean-endpoint barrier, train and test), its JSON
/// agrees with it, and the BatchNorm handling is named.
@Suite struct RepairCommandLineTests: OrbitCommandLineSuite {
    static func columns(_ json: [String: Any]) -> [String: [String: Any]] {
        var out: [String: [String: Any]] = [:]
        for e in (json["entries"] as? [[String: Any]]) ?? [] { out[e["column"] as! String] = e }
        return out
    }

    @Test(.enabled(if: binary != nil)) func fourColumnComparison() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("orbit-repair-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try GraphCommandLineTests.writeImages(in: dir)
        let data = "npz:img.npz"
        for seed in ["1", "2"] {
            let r = try Self.orbit(
                [
                    "train", "--arch", GraphCommandLineTests.architecture, "--data", data, "--epochs", "1", "--batch",
                    "32", "--lr", "0.05", "--seed", seed, "--quiet", "--out", "m\(seed).safetensors",
                ], in: dir)
            #expect(r.status == 0, "\(r.error)")
        }
        let align = try Self.orbit(
            [
                "align", "m1.safetensors", "m2.safetensors", "--data", data, "--points", "5", "--bn", "reset",
                "--out", "b.safetensors", "--out-json", "align.json",
            ], in: dir)
        #expect(align.status == 0, "\(align.error)")
        let header = try #require(align.output.split(separator: "\n").first { $0.contains("aligned+REPAIR") })
        for title in ["naive", "aligned", "aligned+BN reset", "aligned+REPAIR"] {
            #expect(header.contains(title), "\(header)")
        }
        for row in ["train loss at t=1/2", "test acc at t=1/2", "train loss barrier", "test acc barrier"] {
            let line = try #require(align.output.split(separator: "\n").first { $0.hasPrefix(row) }, "\(row)")
            // Four numbers, none missing: every column applies to a BatchNorm network.
            #expect(!line.contains("–") && line.split(separator: " ").count >= 4 + row.split(separator: " ").count)
        }
        #expect(align.output.contains("mean_endpoint") && align.output.contains("--bn reset"), "\(align.output)")
        let json = try GraphCommandLineTests.json(dir, "align.json")
        #expect(json["kind"] as? String == "line" && json["batchNorm"] as? String == "reset")
        #expect(json["barrierDefinition"] as? String == "mean_endpoint")
        let entries = Self.columns(json)
        #expect(Set(entries.keys) == ["naive", "aligned", "aligned_bn_reset", "aligned_repair"])
        for (name, e) in entries {
            let midpoint = try #require(e["midpoint"] as? [String: Any], "\(name)")
            let train = try #require(midpoint["train"] as? [String: Any])
            let loss = try #require(train["loss"] as? Double)
            #expect(loss.isFinite && loss > 0)
            let barrier = try #require((e["lossBarrier"] as? [String: Any])?["test"] as? Double)
            #expect(barrier.isFinite)
            // The barrier is max_t L(t) − (L(0) + L(1))/2 over the profile written alongside.
            let profile = try #require(e["profile"] as? [String: Any])
            let losses = try #require(
                ((profile["splits"] as? [String: Any])?["test"] as? [[String: Any]])?.compactMap {
                    $0["loss"] as? Double
                })
            #expect(losses.count == 5)
            #expect(abs(barrier - (losses.max()! - (losses.first! + losses.last!) / 2)) < 1e-9, "\(name)")
        }
        // REPAIR's midpoint is at least as good as the aligned midpoint without BatchNorm reset here
        // (the stale interpolated statistics are what it corrects).
        let repaired = try #require(
            ((entries["aligned_repair"]?["midpoint"] as? [String: Any])?["train"] as? [String: Any])?["loss"] as? Double
        )
        let stale = try #require(
            ((entries["aligned"]?["midpoint"] as? [String: Any])?["train"] as? [String: Any])?["loss"] as? Double)
        #expect(repaired <= stale, "REPAIR \(repaired) vs aligned \(stale)")

        let merge = try Self.orbit(
            [
                "merge", "m1.safetensors", "m2.safetensors", "--data", data, "--repair", "--bn", "interpolate",
                "--out", "m.safetensors", "--out-json", "merge.json",
            ], in: dir)
        #expect(merge.status == 0, "\(merge.error)")
        #expect(merge.output.contains("aligned+REPAIR") && merge.output.contains("--bn interpolate"), "\(merge.output)")
        let mergeJSON = try GraphCommandLineTests.json(dir, "merge.json")
        #expect(mergeJSON["kind"] as? String == "merge" && mergeJSON["batchNorm"] as? String == "interpolate")
        #expect(Set(Self.columns(mergeJSON).keys) == ["naive", "aligned", "aligned_bn_reset", "aligned_repair"])
        let refused = try Self.orbit([
            "merge", "m1.safetensors", "m2.safetensors", "--out-json", "x.json", "--out", "x",
        ])
        #expect(refused.status != 0 && refused.error.contains("--out-json needs --data"))
    }
}
