import Foundation
import OrbitFormats
import OrbitReports

/// The folder of finished runs, named by their ``RunKey``: `ROOT/runs/KIND-DIGEST/`.
///
/// A run is written into `ROOT/tmp/KIND-DIGEST.HOST.PID.RANDOM/`, its record `run.json` last, and
/// the whole folder is then renamed into `runs/` — rename(2) of a directory is atomic on one
/// filesystem, so a folder in `runs/` is always complete, and a killed run leaves only a stray
/// temporary folder (`orbit study run` clears those of dead processes on this host). Each record
/// holds Orbit's version and ``SourceFingerprint``; a folder written by another Orbit version is
/// reported as ``RunStatus/foreignVersion(_:)`` and never reused: running the run again replaces it.
/// A failure is recorded in `ROOT/failures/KIND-DIGEST.json` and cleared when the run succeeds.
/// The sweeps (`orbit sweep`) store their runs here too, under their own folder names and with
/// their record in `result.json` (``commit(folder:record:kind:configuration:inputs:label:body:)``).
///
/// The store holds no wall-clock times or host names in run folders, so two stores that ran the
/// same runs with the same thread counts hold identical bytes.
public struct RunStore: Sendable {
    public let root: String

    public init(root: String) {
        self.root = root
    }

    public var runsDirectory: String { "\(root)/runs" }
    var temporaryDirectory: String { "\(root)/tmp" }
    var failuresDirectory: String { "\(root)/failures" }

    /// The folder of a run (whether or not it exists).
    public func folder(_ key: RunKey) -> String { "\(runsDirectory)/\(key.folderName)" }

    /// The record file of a run.
    public func recordPath(_ key: RunKey) -> String { "\(folder(key))/run.json" }

    /// The state of `key` in the store.
    public func status(_ key: RunKey) -> RunStatus { status(folder: key.folderName) }

    /// The state of the run folder `runs/NAME`, whose record is the file `record` in it. A folder
    /// without its record (left by an older writer that filled folders in place) is missing.
    public func status(folder name: String, record: String = "run.json") -> RunStatus {
        let fm = FileManager.default
        let path = "\(runsDirectory)/\(name)/\(record)"
        if fm.fileExists(atPath: path) {
            guard let data = fm.contents(atPath: path),
                let header = try? JSONDecoder().decode(VersionField.self, from: data)
            else { return .foreignVersion("unreadable \(record)") }
            return header.orbitVersion == orbitVersion ? .done : .foreignVersion(header.orbitVersion)
        }
        if let pid = runningProcess(name) { return .running(pid: pid) }
        if let data = fm.contents(atPath: failurePath(name)),
            let failure = try? JSONDecoder().decode(RunFailure.self, from: data)
        {
            return .failed(failure.message)
        }
        return .missing
    }

    /// The identity part of a run's record.
    public func readHeader(_ key: RunKey) throws -> RunRecordHeader {
        let path = recordPath(key)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StudyError.store(path: path, reason: "no run record")
        }
        do {
            return try JSONDecoder().decode(RunRecordHeader.self, from: data)
        } catch {
            throw StudyError.store(path: path, reason: "not a run record (\(error))")
        }
    }

    /// The metrics of a finished run of this version (non-finite values come back as ±∞ and NaN).
    public func metrics(_ key: RunKey) throws -> [String: Double] {
        guard status(key) == .done else {
            throw StudyError.store(path: folder(key), reason: "the run has not finished with Orbit \(orbitVersion)")
        }
        let data = FileManager.default.contents(atPath: recordPath(key)) ?? Data()
        do {
            return try JSONReport.decode(RunRecordMetrics.self, from: String(decoding: data, as: UTF8.self)).metrics
        } catch {
            throw StudyError.store(path: recordPath(key), reason: "no metrics (\(error))")
        }
    }

    /// Writes a run: `body` fills a fresh temporary folder (given its path) and returns the run's
    /// metrics; the record is written there and the folder renamed into place. A folder of another
    /// version is replaced; one of this version (an identical run that finished meanwhile) is kept
    /// and the new copy discarded — both hold the same bytes.
    public func commit<Configuration: Encodable>(
        _ key: RunKey, configuration: Configuration, inputs: [RunKey], label: String,
        body: (String) throws -> [String: Double]
    ) throws {
        try commit(
            folder: key.folderName, kind: key.kind, configuration: configuration, inputs: inputs.map(\.folderName),
            label: label, body: body)
    }

    /// ``commit(_:configuration:inputs:label:body:)`` for a folder `runs/NAME` with its record in
    /// the file `record` (the sweeps' `result.json`).
    public func commit<Configuration: Encodable>(
        folder name: String, record: String = "run.json", kind: String, configuration: Configuration,
        inputs: [String], label: String, body: (String) throws -> [String: Double]
    ) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: runsDirectory, withIntermediateDirectories: true)
        try fm.createDirectory(atPath: temporaryDirectory, withIntermediateDirectories: true)
        let staging = "\(temporaryDirectory)/\(name).\(Self.host).\(getpid()).\(UInt32.random(in: 0...UInt32.max))"
        try fm.createDirectory(atPath: staging, withIntermediateDirectories: false)
        defer { try? fm.removeItem(atPath: staging) }
        let metrics = try body(staging)
        let runRecord = RunRecord(
            key: name, kind: kind, label: label, configuration: configuration, inputs: inputs,
            orbitVersion: orbitVersion, sourceFingerprint: SourceFingerprint.current, metrics: metrics)
        try JSONReport.write(runRecord, to: "\(staging)/\(record)")
        let target = "\(runsDirectory)/\(name)"
        if fm.fileExists(atPath: target), status(folder: name, record: record) != .done {
            let aside = "\(staging).replaced"
            try fm.moveItem(atPath: target, toPath: aside)
            try? fm.removeItem(atPath: aside)
        }
        if rename(staging, target) != 0 {
            let reason = String(cString: strerror(errno))
            guard status(folder: name, record: record) == .done else {
                throw StudyError.store(path: target, reason: "cannot move the finished run into place: \(reason)")
            }
        }
        try? fm.removeItem(atPath: failurePath(name))
    }

    /// Records that a run failed (cleared when it later succeeds).
    public func recordFailure(_ key: RunKey, message: String) {
        try? FileManager.default.createDirectory(atPath: failuresDirectory, withIntermediateDirectories: true)
        try? JSONReport.write(RunFailure(message: message, orbitVersion: orbitVersion), to: failurePath(key.folderName))
    }

    func failurePath(_ name: String) -> String { "\(failuresDirectory)/\(name).json" }

    /// The process id of a live process on this host writing the folder `name`, if any.
    func runningProcess(_ name: String) -> Int32? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: temporaryDirectory) else {
            return nil
        }
        for entry in entries where entry.hasPrefix(name + ".") {
            let parts = entry.dropFirst(name.count + 1).split(separator: ".")
            guard parts.count == 3, String(parts[0]) == Self.host, let pid = Int32(parts[1]) else { continue }
            if kill(pid, 0) == 0 { return pid }
        }
        return nil
    }

    /// Removes temporary folders of processes on this host that no longer run (killed runs).
    public func removeStaleTemporaryFolders() {
        let fm = FileManager.default
        guard let entries = try? fm.contentsOfDirectory(atPath: temporaryDirectory) else { return }
        for entry in entries {
            let parts = entry.split(separator: ".")
            guard parts.count >= 4, String(parts[1]) == Self.host, let pid = Int32(parts[2]), kill(pid, 0) != 0 else {
                continue
            }
            try? fm.removeItem(atPath: "\(temporaryDirectory)/\(entry)")
        }
    }

    /// This host's short name (no dots: it is a field of temporary folder names).
    static let host: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count)
        let name = String(cString: buffer).split(separator: ".").first.map(String.init) ?? "host"
        return name.isEmpty ? "host" : name
    }()
}

/// Where a run stands in a store.
public enum RunStatus: Equatable, Sendable, CustomStringConvertible {
    case done
    /// A live process on this host is writing it.
    case running(pid: Int32)
    /// Its last attempt failed with this message.
    case failed(String)
    /// Not run yet (or killed before it finished).
    case missing
    /// The folder was written by this other Orbit version: reported, not reused.
    case foreignVersion(String)

    /// Whether an executor should (re)run it.
    public var needsRun: Bool {
        switch self {
        case .done, .running: return false
        case .failed, .missing, .foreignVersion: return true
        }
    }

    /// One word: done, running, failed, missing, foreign-version.
    public var name: String {
        switch self {
        case .done: return "done"
        case .running: return "running"
        case .failed: return "failed"
        case .missing: return "missing"
        case .foreignVersion: return "foreign-version"
        }
    }

    public var description: String {
        switch self {
        case .done: return "done"
        case .running(let pid): return "running (process \(pid))"
        case .failed(let message): return "failed: \(message)"
        case .missing: return "missing"
        case .foreignVersion(let version):
            return "foreign-version: written by Orbit \(version), this is \(orbitVersion); not reused, will rerun"
        }
    }
}

/// A run folder's `run.json`.
struct RunRecord<Configuration: Encodable>: Encodable {
    var key: String
    var kind: String
    var label: String
    var configuration: Configuration
    var inputs: [String]
    var orbitVersion: String
    var sourceFingerprint: String
    var metrics: [String: Double]

    enum CodingKeys: String, CodingKey {
        case key, kind, label, configuration, inputs, metrics
        case orbitVersion = "orbit_version"
        case sourceFingerprint = "source_fingerprint"
    }
}

/// The version field of a record (all that status needs).
struct VersionField: Decodable {
    var orbitVersion: String

    enum CodingKeys: String, CodingKey {
        case orbitVersion = "orbit_version"
    }
}

/// The identity fields of `run.json`.
public struct RunRecordHeader: Decodable, Sendable {
    public var key: String
    public var orbitVersion: String
    public var sourceFingerprint: String

    enum CodingKeys: String, CodingKey {
        case key
        case orbitVersion = "orbit_version"
        case sourceFingerprint = "source_fingerprint"
    }
}

struct RunRecordMetrics: Decodable {
    var metrics: [String: Double]
}

/// `failures/KIND-DIGEST.json`.
struct RunFailure: Codable {
    var message: String
    var orbitVersion: String

    enum CodingKeys: String, CodingKey {
        case message
        case orbitVersion = "orbit_version"
    }
}
