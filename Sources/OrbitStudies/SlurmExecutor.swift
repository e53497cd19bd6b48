import Foundation
import OrbitFormats
import OrbitReports

/// Slurm settings of a submission (`sbatch` options; nil leaves the cluster's default).
public struct SlurmOptions: Sendable, Equatable {
    public var partition: String?
    /// Wall time per task, e.g. `01:00:00`.
    public var time: String?
    /// CPUs per task; default: the study's `threads`.
    public var cpus: Int?
    /// Memory per task, e.g. `4G`.
    public var memory: String?

    public init(partition: String? = nil, time: String? = nil, cpus: Int? = nil, memory: String? = nil) {
        self.partition = partition
        self.time = time
        self.cpus = cpus
        self.memory = memory
    }
}

/// One `sbatch` submission: a stage's array job (or the summary job).
public struct SlurmJob: Codable, Sendable, Equatable {
    public var stage: String
    public var job: String
    /// The array indices submitted (the runs of the stage that were not done).
    public var indices: [Int]
    public var script: String
}

/// Submits a study to Slurm: per stage, one `sbatch --array` script listing the indices of the
/// runs that are not done, each task running `orbit study task FILE --stage S --index
/// $SLURM_ARRAY_TASK_ID --out ROOT`, with `--dependency=afterok:` on every job submitted before it
/// (and `--kill-on-invalid-dep=yes`, so a failed or cancelled task cancels the stages after it
/// instead of leaving them pending forever); then a summary job that collects the report. Scripts
/// and logs go to `ROOT/studies/NAME/slurm/`, and the job ids to its `jobs.json` (read by
/// ``StudyStatusReport``). Submitting again sends only the runs still missing.
public struct SlurmExecutor {
    public let plan: StudyPlan
    public let store: RunStore
    public let studyPath: String
    public let executable: String
    public let options: SlurmOptions

    public init(plan: StudyPlan, store: RunStore, studyPath: String, executable: String, options: SlurmOptions) {
        self.plan = plan
        self.store = store
        self.studyPath = studyPath
        self.executable = executable
        self.options = options
    }

    /// `ROOT/studies/NAME/slurm`.
    public var directory: String { "\(store.root)/studies/\(plan.study.name)/slurm" }

    /// The jobs submitted so far (oldest first).
    public static func submittedJobs(directory: String) -> [SlurmJob] {
        guard let data = FileManager.default.contents(atPath: "\(directory)/jobs.json") else { return [] }
        return (try? JSONDecoder().decode([SlurmJob].self, from: data)) ?? []
    }

    /// The script of one stage's array job.
    public func script(stage: String, indices: [Int], dependencies: [String], command: [String]) -> String {
        var lines = [
            "#!/bin/bash",
            "# Orbit study \(plan.study.name), stage \(stage): written by `orbit study submit`.",
            "#SBATCH --job-name=orbit-\(plan.study.name)-\(stage)",
            "#SBATCH --array=\(Self.arraySpec(indices))",
            "#SBATCH --cpus-per-task=\(options.cpus ?? plan.study.threads)",
            "#SBATCH --ntasks=1",
            "#SBATCH --output=\(directory)/logs/%x-%A_%a.out",
        ]
        if let p = options.partition { lines.append("#SBATCH --partition=\(p)") }
        if let t = options.time { lines.append("#SBATCH --time=\(t)") }
        if let m = options.memory { lines.append("#SBATCH --mem=\(m)") }
        if !dependencies.isEmpty {
            lines.append("#SBATCH --dependency=afterok:\(dependencies.joined(separator: ":"))")
            lines.append("#SBATCH --kill-on-invalid-dep=yes")
        }
        lines += [
            "set -euo pipefail",
            "export OMP_NUM_THREADS=\(plan.study.threads) OPENBLAS_NUM_THREADS=\(plan.study.threads)",
            "exec " + command.map(Self.shellQuoted).joined(separator: " "),
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes and submits the scripts of every stage with runs not done, then the summary job;
    /// returns the jobs submitted (none when the study is complete). `submit` runs `sbatch
    /// --parsable SCRIPT` and returns the job id (injectable for tests and dry runs).
    public func submit(
        log: (String) -> Void, submit: (String) throws -> String = SlurmExecutor.sbatch
    ) throws -> [SlurmJob] {
        let fm = FileManager.default
        try fm.createDirectory(atPath: "\(directory)/logs", withIntermediateDirectories: true)
        let previous = Self.submittedJobs(directory: directory)
        let queue = SlurmQueue.query(jobs: previous.map(\.job))
        if queue.hasActiveTasks(of: previous.map(\.job)) {
            throw StudyError.scheduler(
                command: "orbit study submit",
                reason:
                    "jobs of this study are still queued or running (\(previous.map(\.job).joined(separator: ", "))); "
                    + "wait for them or scancel them, then submit again")
        }
        var jobs: [SlurmJob] = []
        for stage in plan.stages {
            let indices = stage.runs.filter { store.status($0.key).needsRun }.map(\.index)
            guard !indices.isEmpty else {
                log("stage \(stage.name): all \(stage.runs.count) run(s) done")
                continue
            }
            let command = [
                executable, "study", "task", studyPath, "--stage", stage.name, "--index", "$SLURM_ARRAY_TASK_ID",
                "--out", store.root,
            ]
            let path = "\(directory)/\(stage.name).sbatch"
            try AtomicFile.write(
                script(stage: stage.name, indices: indices, dependencies: jobs.map(\.job), command: command), to: path)
            let job = try submit(path)
            jobs.append(SlurmJob(stage: stage.name, job: job, indices: indices, script: path))
            log("stage \(stage.name): job \(job), \(indices.count) array task(s) [\(Self.arraySpec(indices))]")
        }
        if !jobs.isEmpty {
            let path = "\(directory)/summary.sbatch"
            let command = [executable, "study", "collect", studyPath, "--out", store.root]
            try AtomicFile.write(
                script(stage: "summary", indices: [0], dependencies: jobs.map(\.job), command: command), to: path)
            let job = try submit(path)
            jobs.append(SlurmJob(stage: "summary", job: job, indices: [0], script: path))
            log("summary: job \(job) (collects the report when every stage has finished)")
        }
        try JSONReport.write(previous + jobs, to: "\(directory)/jobs.json")
        return jobs
    }

    /// Runs `sbatch --parsable SCRIPT` and returns the job id.
    public static func sbatch(_ script: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sbatch", "--parsable", script]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do {
            try process.run()
        } catch {
            throw StudyError.scheduler(command: "sbatch \(script)", reason: "cannot run sbatch: \(error)")
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0, let id = text.split(separator: ";").first, !id.isEmpty else {
            let message = String(decoding: errors, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw StudyError.scheduler(
                command: "sbatch \(script)",
                reason: message.isEmpty ? "exit \(process.terminationStatus), no job id" : message)
        }
        return String(id)
    }

    /// `0-3,7,9-10`: runs of consecutive indices as ranges.
    public static func arraySpec(_ indices: [Int]) -> String {
        var parts: [String] = []
        var k = 0
        let sorted = indices.sorted()
        while k < sorted.count {
            var end = k
            while end + 1 < sorted.count, sorted[end + 1] == sorted[end] + 1 { end += 1 }
            parts.append(end == k ? "\(sorted[k])" : "\(sorted[k])-\(sorted[end])")
            k = end + 1
        }
        return parts.joined(separator: ",")
    }

    /// `s` for a shell command line: left bare when safe (so `$SLURM_ARRAY_TASK_ID` expands),
    /// else in single quotes.
    static func shellQuoted(_ s: String) -> String {
        if s == "$SLURM_ARRAY_TASK_ID" { return "\"$SLURM_ARRAY_TASK_ID\"" }
        if !s.isEmpty, s.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_./=:+,@".contains($0)) }) {
            return s
        }
        return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
