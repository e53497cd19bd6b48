import Foundation
import OrbitTestSupport
import Testing

/// `orbit sweep` end to end: two shards of a tiny width sweep, a rerun that skips finished runs,
/// `collect`, and one-line validation errors. Runs when the binary has been built next to the test
/// bundle (as `scripts/test.sh` does).
@Suite struct AlignmentSweepCommandLineTests: OrbitCommandLineSuite {
    @Test(.enabled(if: binary != nil)) func shardedWidthSweepAndCollect() throws {
        let directory = try alignmentTemporaryDirectory("cli-sweep")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let base = ["sweep", "width", "--widths", "4,8,16", "--input-dim", "3", "--samples", "32", "--out", directory]
        let first = try Self.orbit(base + ["--shard", "0/2"])
        #expect(first.status == 0, "\(first.error)")
        #expect(first.output.contains("2 run(s) executed"))
        let again = try Self.orbit(base + ["--shard", "0/2"])
        #expect(again.output.contains("0 run(s) executed, 2 already finished"))
        let partial = try Self.orbit(["sweep", "collect", directory])
        #expect(partial.status == 0)
        #expect(partial.output.contains("2 of 3 runs finished"))
        #expect(partial.output.contains("missing: run 1"))
        #expect(try Self.orbit(base + ["--shard", "1/2"]).status == 0)
        let full = try Self.orbit(["sweep", "collect", directory])
        #expect(full.output.contains("3 of 3 runs finished"))
        let csv = try String(contentsOfFile: directory + "/report/results.csv", encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 4)
        #expect(FileManager.default.fileExists(atPath: directory + "/report/report.html"))
    }

    @Test(.enabled(if: binary != nil)) func badOptionsAreOneLineErrors() throws {
        for (arguments, needle) in [
            (["sweep", "width", "--out", "/tmp/never", "--shard", "3/2"], "--shard"),
            (["sweep", "width", "--out", "/tmp/never", "--widths", "8,x"], "--widths"),
            (["sweep", "lr", "--out", "/tmp/never", "--lrs", "0.1,-1"], "--lrs"),
            (["sweep", "width", "--out", "/tmp/never", "--seeds", "a"], "--seeds"),
        ] {
            let r = try Self.orbit(arguments)
            #expect(r.status != 0)
            #expect(r.error.split(separator: "\n").first?.contains(needle) == true, "\(arguments): \(r.error)")
        }
    }
}
