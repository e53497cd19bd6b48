import Foundation
import OrbitExperiments
import Testing

/// A fresh empty directory under the system temporary directory.
func alignmentTemporaryDirectory(_ name: String) throws -> String {
    let path = NSTemporaryDirectory() + "orbit-\(name)-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Counts executed runs across the sweep's closure (which must be Sendable).
final class RunCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int] = []
    func record(_ x: Int) {
        lock.lock()
        values.append(x)
        lock.unlock()
    }
    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return values.count
    }
}

struct ToyConfiguration: Codable, Hashable, Sendable {
    var width: Int
    var seed: UInt64
}

/// A deterministic toy sweep: metric = width² + seed, another = 1/width.
func toySweep(_ counter: RunCounter, widths: [Int] = [1, 2, 4, 8, 16, 32, 64], seeds: [UInt64] = [0, 1]) -> Sweep<
    ToyConfiguration
> {
    var runs: [ToyConfiguration] = []
    for s in seeds { for w in widths { runs.append(ToyConfiguration(width: w, seed: s)) } }
    return Sweep(kind: "toy", runs: runs, xKey: "width") { c in
        counter.record(c.width)
        return ["square": Double(c.width * c.width) + Double(c.seed), "inverse": 1 / Double(c.width)]
    }
}

@Suite struct AlignmentSweepTests {
    @Test func fnvHashHasKnownValues() {
        // FNV-1a 64 reference values: offset basis for "", and "a".
        #expect(stableHash([]) == "cbf29ce484222325")
        #expect(stableHash(Array("a".utf8)) == "af63dc4c8601ec8c")
    }

    @Test func identicalConfigurationsShareAFolder() throws {
        let counter = RunCounter()
        let sweep = toySweep(counter)
        let a = try sweep.runIdentifier(ToyConfiguration(width: 4, seed: 1))
        let b = try sweep.runIdentifier(ToyConfiguration(width: 4, seed: 1))
        let c = try sweep.runIdentifier(ToyConfiguration(width: 4, seed: 2))
        #expect(a == b)
        #expect(a != c)
        #expect(a.hasPrefix("toy-") && a.count == 4 + 16)
    }

    @Test func shardsPartitionTheRuns() throws {
        let directory = try alignmentTemporaryDirectory("shards")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let counter = RunCounter()
        let sweep = toySweep(counter)
        var seen: [Int] = []
        for i in 0..<3 {
            let summary = try SweepRunner(directory: directory, shard: try SweepShard(index: i, count: 3)).run(sweep)
            #expect(summary.executed.allSatisfy { $0 % 3 == i })
            seen += summary.executed
        }
        #expect(seen.sorted() == Array(0..<sweep.runs.count))
        #expect(counter.count == sweep.runs.count)
    }

    @Test func collectOfShardsEqualsTheUnshardedSweep() throws {
        let sharded = try alignmentTemporaryDirectory("sharded")
        let whole = try alignmentTemporaryDirectory("whole")
        defer {
            try? FileManager.default.removeItem(atPath: sharded)
            try? FileManager.default.removeItem(atPath: whole)
        }
        let sweep = toySweep(RunCounter())
        try SweepRunner(directory: sharded, shard: try SweepShard(parsing: "1/2")).run(sweep)
        let half = try SweepCollection(directories: [sharded])
        #expect(half.finished.count == sweep.runs.count / 2)
        #expect(half.missing.count == sweep.runs.count - sweep.runs.count / 2)
        try SweepRunner(directory: sharded, shard: try SweepShard(parsing: "0/2")).run(sweep)
        try SweepRunner(directory: whole).run(sweep)
        try SweepCollection(directories: [sharded]).write(to: sharded + "/report")
        try SweepCollection(directories: [whole]).write(to: whole + "/report")
        for file in ["results.json", "results.csv", "square.svg", "report.html"] {
            let x = try String(contentsOfFile: "\(sharded)/report/\(file)", encoding: .utf8)
            let y = try String(contentsOfFile: "\(whole)/report/\(file)", encoding: .utf8)
            #expect(x == y, "\(file) differs")
        }
        let merged = try SweepCollection(directories: [whole])
        #expect(merged.missing.isEmpty)
        // Mean over the two seeds of width² + seed is width² + ½.
        let series = merged.series("square")
        #expect(series.count == 1)
        #expect(series[0].x == [1, 2, 4, 8, 16, 32, 64])
        #expect(series[0].y == [1, 2, 4, 8, 16, 32, 64].map { Double($0 * $0) + 0.5 })
    }

    @Test func collectMergesShardsRunInSeparateFolders() throws {
        let first = try alignmentTemporaryDirectory("first")
        let second = try alignmentTemporaryDirectory("second")
        defer {
            try? FileManager.default.removeItem(atPath: first)
            try? FileManager.default.removeItem(atPath: second)
        }
        let sweep = toySweep(RunCounter())
        try SweepRunner(directory: first, shard: try SweepShard(index: 0, count: 2)).run(sweep)
        try SweepRunner(directory: second, shard: try SweepShard(index: 1, count: 2)).run(sweep)
        let merged = try SweepCollection(directories: [first, second])
        #expect(merged.finished.count == sweep.runs.count)
        #expect(merged.missing.isEmpty)
    }

    @Test func rerunSkipsFinishedRunsAndRedoesHalfWrittenOnes() throws {
        let directory = try alignmentTemporaryDirectory("rerun")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let counter = RunCounter()
        let sweep = toySweep(counter)
        let first = try SweepRunner(directory: directory).run(sweep)
        #expect(first.executed.count == sweep.runs.count)
        let second = try SweepRunner(directory: directory).run(sweep)
        #expect(second.executed.isEmpty)
        #expect(second.skipped.count == sweep.runs.count)
        #expect(counter.count == sweep.runs.count)
        // A run killed before its end has a configuration but no result file: it is redone.
        let victim = try sweep.runIdentifier(sweep.runs[3])
        try FileManager.default.removeItem(atPath: SweepRunner.resultPath(directory: directory, run: victim))
        #expect(FileManager.default.fileExists(atPath: "\(directory)/runs/\(victim)/configuration.json"))
        #expect(try SweepCollection(directories: [directory]).missing.map(\.index) == [3])
        let third = try SweepRunner(directory: directory).run(sweep)
        #expect(third.executed == [3])
        #expect(counter.count == sweep.runs.count + 1)
    }

    @Test func shardSpecificationsAreValidated() throws {
        #expect(try SweepShard(parsing: "1/4") == SweepShard(index: 1, count: 4))
        #expect(throws: SweepError.self) { try SweepShard(parsing: "3/2") }
        #expect(throws: SweepError.self) { try SweepShard(parsing: "0/0") }
        #expect(throws: SweepError.self) { try SweepShard(parsing: "-1/2") }
        #expect(throws: SweepError.self) { try SweepShard(parsing: "a/b") }
        #expect(throws: SweepError.self) { try SweepShard(parsing: "1") }
        #expect(SweepShard.all.contains(5))
    }

    struct GroupedConfiguration: Codable, Hashable, Sendable {
        var width: Int
        var depth: Int
        var constant = "same"
        var seed: UInt64
    }

    @Test func seriesAreNamedByTheKeysThatVary() throws {
        let directory = try alignmentTemporaryDirectory("grouped")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var runs: [GroupedConfiguration] = []
        for depth in [1, 3] {
            for width in [2, 4] { runs.append(GroupedConfiguration(width: width, depth: depth, seed: 0)) }
        }
        let sweep = Sweep(kind: "grouped", runs: runs, xKey: "width") { c in ["value": Double(c.width * c.depth)] }
        try SweepRunner(directory: directory).run(sweep)
        let series = try SweepCollection(directories: [directory]).series("value")
        #expect(series.map(\.name) == ["depth=1", "depth=3"])
        #expect(series.map(\.y) == [[2, 4], [6, 12]])
    }

    @Test func collectWithoutManifestIsAOneLineError() throws {
        let directory = try alignmentTemporaryDirectory("empty")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(throws: SweepError.noManifest(directory: directory)) { try SweepCollection(directories: [directory]) }
    }
}
