import Foundation

/// What Slurm says about a study's jobs: `squeue` for tasks still queued or running, `sacct` (when
/// the cluster keeps accounting) for how finished tasks ended. Either may be absent — a machine
/// without Slurm, or a cluster without slurmdbd — and then says nothing.
public struct SlurmQueue: Sendable {
    /// State by task id (`JOB_INDEX` for array tasks, `JOB` for single jobs), e.g. `RUNNING`.
    public var queued: [String: String]
    /// Final state by task id from `sacct` (e.g. `FAILED`, `CANCELLED`, `TIMEOUT`, `COMPLETED`).
    public var accounted: [String: String]

    /// Asks `squeue` and `sacct` about `jobs` (job ids).
    public static func query(jobs: [String]) -> SlurmQueue {
        guard !jobs.isEmpty else { return SlurmQueue(queued: [:], accounted: [:]) }
        let list = jobs.joined(separator: ",")
        var queued: [String: String] = [:]
        if let text = Self.output("squeue", ["-h", "-r", "-j", list, "-o", "%i %T"]) {
            for line in text.split(separator: "\n") {
                let fields = line.split(separator: " ")
                if fields.count == 2 { queued[String(fields[0])] = String(fields[1]) }
            }
        }
        var accounted: [String: String] = [:]
        if let text = Self.output("sacct", ["-n", "-P", "-X", "-j", list, "-o", "JobID,State"]) {
            for line in text.split(separator: "\n") {
                let fields = line.split(separator: "|")
                // "CANCELLED by 0" → CANCELLED.
                if fields.count == 2 {
                    accounted[String(fields[0])] = String(fields[1].split(separator: " ").first ?? fields[1])
                }
            }
        }
        return SlurmQueue(queued: queued, accounted: accounted)
    }

    /// The state of array task `index` of `job` (queue first, then accounting).
    public func state(job: String, index: Int) -> String? {
        queued["\(job)_\(index)"] ?? accounted["\(job)_\(index)"]
    }

    /// Whether any task of `jobs` is still pending or running.
    public func hasActiveTasks(of jobs: [String]) -> Bool {
        queued.keys.contains { id in jobs.contains { id == $0 || id.hasPrefix($0 + "_") } }
    }

    /// The standard output of `command arguments` when it exits 0; nil when it is missing or fails.
    static func output(_ command: String, _ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [command] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
