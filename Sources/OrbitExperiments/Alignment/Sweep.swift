import Foundation
import OrbitFormats
import OrbitReports
import OrbitStudies

/// A sweep: a list of typed run configurations and the function that runs one of them.
///
/// Runs are stored open_lth style: run k lives in `DIR/runs/KIND-HASH/`, where HASH is a stable
/// 64-bit FNV-1a hash of the configuration's canonical JSON (sorted keys), so an identical
/// configuration always lands in the same folder — in another sweep, on another machine, in a
/// rerun — and a finished run is never computed twice. Folders are written by the studies' run
/// store (``RunStore``, `DIR` its root): `configuration.json` and `result.json` are written in
/// `DIR/tmp/` and the folder renamed into place when the run has finished, so a run whose process
/// was killed leaves no folder and is redone by the next invocation, and a finished one is
/// skipped: `--resume` is implied.
///
/// Sharding: ``SweepShard`` i/n runs exactly the runs whose index k ≡ i (mod n), so n processes —
/// e.g. the tasks of a Slurm array job, `sbatch --array=0-(n-1)` running
/// `orbit sweep … --shard $SLURM_ARRAY_TASK_ID/n` — partition the sweep; every shard writes the
/// same manifest `DIR/sweep.json` (identical bytes, written atomically), and
/// ``SweepCollection`` merges whatever has finished into one report.
///
/// The manifest describes the grid of the latest invocation; runs of an earlier grid stay cached in
/// `runs/` and are reused whenever their configuration comes back. Each result records
/// `orbit_version` and `source_fingerprint`; a result of another Orbit version is redone, not
/// reused.
///
/// Metrics are a flat `[String: Double]` (per-layer numbers as `layer1.cost` and so on), so the
/// collector can tabulate and plot any sweep without knowing its types.
public struct Sweep<Configuration: Codable & Sendable>: Sendable {
    /// The experiment's name, also the prefix of every run folder (e.g. `width-init`).
    public var kind: String
    public var runs: [Configuration]
    /// The configuration key plotted on the x axis of the collected figures (e.g. `width`).
    public var xKey: String
    /// Whether that axis is logarithmic.
    public var logX: Bool
    /// Configuration keys that index repetitions (averaged in figures), e.g. `seed`.
    public var repetitionKeys: [String]
    /// Runs one configuration and returns its metrics.
    public var execute: @Sendable (Configuration) throws -> [String: Double]

    public init(
        kind: String, runs: [Configuration], xKey: String, logX: Bool = true, repetitionKeys: [String] = ["seed"],
        execute: @escaping @Sendable (Configuration) throws -> [String: Double]
    ) {
        self.kind = kind
        self.runs = runs
        self.xKey = xKey
        self.logX = logX
        self.repetitionKeys = repetitionKeys
        self.execute = execute
    }

    /// The canonical JSON object of a configuration (the hash's input and the table's columns).
    public static func object(_ configuration: Configuration) throws -> [String: ResultValue] {
        guard let object = try ResultValue(encoding: configuration).object else {
            throw SweepError.badConfiguration("a run configuration must encode as a JSON object")
        }
        return object
    }

    /// The folder name of a configuration: `KIND-` and 16 hex digits of FNV-1a-64 over `KIND` and
    /// the configuration's sorted-key JSON. Identical configurations give identical names.
    public func runIdentifier(_ configuration: Configuration) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let bytes = Array(kind.utf8) + [0] + Array(try encoder.encode(configuration))
        return kind + "-" + stableHash(bytes)
    }
}

/// FNV-1a, 64 bit, as 16 lower-case hex digits: stable across runs, machines and Swift versions
/// (unlike `Hasher`, which is seeded per process).
public func stableHash(_ bytes: [UInt8]) -> String {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes {
        h ^= UInt64(b)
        h = h &* 0x0000_0100_0000_01B3
    }
    let hex = String(h, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
}

/// Which runs of a sweep this process runs: those with index k ≡ `index` (mod `count`).
public struct SweepShard: Sendable, Equatable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    /// The whole sweep.
    public static let all = SweepShard(uncheckedIndex: 0, count: 1)

    init(uncheckedIndex index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Requires 0 ≤ index < count.
    public init(index: Int, count: Int) throws {
        guard count >= 1 else { throw SweepError.badShard("\(index)/\(count): the shard count must be at least 1") }
        guard index >= 0, index < count else {
            throw SweepError.badShard("\(index)/\(count): the shard index must be in 0..<\(count)")
        }
        self.index = index
        self.count = count
    }

    /// Parses `i/n`, e.g. `3/8` (Slurm: `$SLURM_ARRAY_TASK_ID/8`).
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
            throw SweepError.badShard("'\(text)' is not i/n (e.g. 0/4)")
        }
        try self.init(index: i, count: n)
    }

    /// Whether run `k` belongs to this shard.
    public func contains(_ k: Int) -> Bool { k % count == index }

    public var description: String { "\(index)/\(count)" }
}

/// Errors of sweeps, one line each.
public enum SweepError: Error, Equatable, CustomStringConvertible {
    case badShard(String)
    case badConfiguration(String)
    case unreadable(path: String, reason: String)
    case noManifest(directory: String)

    public var description: String {
        switch self {
        case .badShard(let s): return "bad shard \(s)"
        case .badConfiguration(let s): return "bad sweep configuration: \(s)"
        case .unreadable(let path, let reason): return "\(path): \(reason)"
        case .noManifest(let directory):
            return
                "\(directory) holds no sweep.json (not a sweep folder; run `orbit sweep width|lr --out \(directory)`)"
        }
    }
}

/// What one invocation of ``SweepRunner/run(_:)`` did.
public struct SweepRunSummary: Sendable, Equatable {
    /// Indices of the runs executed now.
    public var executed: [Int]
    /// Indices of this shard's runs skipped because their result file already existed.
    public var skipped: [Int]
    /// The run folders (relative to the sweep directory) of this shard, in index order.
    public var folders: [String]
}

/// Runs (the shard's part of) a sweep into a directory, skipping finished runs.
public struct SweepRunner: Sendable {
    public var directory: String
    public var shard: SweepShard
    /// Called with a one-line message per run (start/skip/finish); nil for silence.
    public var log: (@Sendable (String) -> Void)?

    public init(directory: String, shard: SweepShard = .all, log: (@Sendable (String) -> Void)? = nil) {
        self.directory = directory
        self.shard = shard
        self.log = log
    }

    /// The result file of a run folder.
    public static func resultPath(directory: String, run: String) -> String { "\(directory)/runs/\(run)/result.json" }

    /// Writes the manifest, then runs every run of the shard that has no result file yet.
    @discardableResult
    public func run<C>(_ sweep: Sweep<C>) throws -> SweepRunSummary {
        let fm = FileManager.default
        try fm.createDirectory(atPath: "\(directory)/runs", withIntermediateDirectories: true)
        let ids = try sweep.runs.map { try sweep.runIdentifier($0) }
        var manifestRuns: [SweepManifest.Entry] = []
        for (k, c) in sweep.runs.enumerated() {
            manifestRuns.append(.init(index: k, id: ids[k], configuration: try Sweep<C>.object(c)))
        }
        let manifest = SweepManifest(
            kind: sweep.kind, x: sweep.xKey, logX: sweep.logX, repetitionKeys: sweep.repetitionKeys, runs: manifestRuns)
        try JSONReport.write(manifest, to: "\(directory)/sweep.json")
        var summary = SweepRunSummary(executed: [], skipped: [], folders: [])
        for (k, c) in sweep.runs.enumerated() where shard.contains(k) {
            let id = ids[k]
            summary.folders.append("runs/\(id)")
            // The studies' run store: the folder is filled in tmp/ and renamed into place, and a
            // result of another Orbit version is redone, not reused.
            let store = RunStore(root: directory)
            let status = store.status(folder: id, record: "result.json")
            if status == .done {
                summary.skipped.append(k)
                log?("run \(k + 1)/\(sweep.runs.count) \(id): finished earlier, skipped")
                continue
            }
            if case .foreignVersion(let version) = status {
                log?("run \(k + 1)/\(sweep.runs.count) \(id): result of Orbit \(version) not reused, redone")
            }
            let object = try Sweep<C>.object(c)
            log?("run \(k + 1)/\(sweep.runs.count) \(id): \(configurationText(object))")
            let start = Date()
            try store.commit(
                folder: id, record: "result.json", kind: sweep.kind, configuration: c, inputs: [],
                label: configurationText(object)
            ) { folder in
                try JSONReport.write(
                    ["kind": sweep.kind, "configuration": object.resultValue] as ResultValue,
                    to: "\(folder)/configuration.json")
                return try sweep.execute(c)
            }
            let seconds = Date().timeIntervalSince(start)
            summary.executed.append(k)
            log?("run \(k + 1)/\(sweep.runs.count) \(id): done in \(String(format: "%.1f", seconds)) s")
        }
        return summary
    }
}

/// `key=value` pairs of a configuration object, sorted by key, for logs and tables.
func configurationText(_ object: [String: ResultValue]) -> String {
    object.keys.sorted().map { "\($0)=\(valueText(object[$0]!))" }.joined(separator: " ")
}

/// A JSON value as short text.
func valueText(_ value: ResultValue) -> String {
    switch value {
    case .number(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : shortNumber(d)
    case .integer(let n): return String(n)
    case .string(let s): return s
    case .array(let a): return "[" + a.map(valueText).joined(separator: ",") + "]"
    default: return "\(value)"
    }
}

/// A number in at most 6 significant digits.
func shortNumber(_ d: Double) -> String { String(format: "%.6g", d) }
