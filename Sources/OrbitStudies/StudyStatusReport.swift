/// Where every run of a study stands: the store's verdict (done, failed, missing, foreign-version,
/// running here), refined by Slurm for runs not done — `queued`/`running` while `squeue` lists the
/// task, the final state from `sacct` (e.g. `CANCELLED`, `TIMEOUT`) when the cluster keeps
/// accounting.
public struct StudyStatusReport: Sendable {
    public struct Row: Sendable {
        public var run: StudyRun
        public var status: RunStatus
        /// Slurm's state of the task that last ran it, when known.
        public var scheduler: String?

        /// One word for tables: the store's, or Slurm's for a run in the queue.
        public var state: String {
            if status != .done, let scheduler {
                switch scheduler {
                case "PENDING", "CONFIGURING", "REQUEUED": return "queued"
                case "RUNNING", "COMPLETING": return "running"
                default: break
                }
            }
            return status.name
        }
    }

    public var rows: [Row]

    public init(plan: StudyPlan, store: RunStore, queue: SlurmQueue? = nil) {
        let jobs = SlurmExecutor.submittedJobs(directory: "\(store.root)/studies/\(plan.study.name)/slurm")
        let queue = queue ?? SlurmQueue.query(jobs: jobs.map(\.job))
        rows = plan.runs.map { run in
            let status = store.status(run.key)
            // The latest submission that included this run.
            let job = jobs.last { $0.stage == run.stage && $0.indices.contains(run.index) }
            let state = job.flatMap { queue.state(job: $0.job, index: run.index) }
            return Row(run: run, status: status, scheduler: status == .done ? nil : state)
        }
    }

    /// How many runs are in each state, e.g. `["done": 6, "missing": 2]`.
    public var counts: [String: Int] { Dictionary(grouping: rows, by: \.state).mapValues(\.count) }

    /// Whether every run is done.
    public var isComplete: Bool { rows.allSatisfy { $0.status == .done } }

    /// A table: one line per stage with its counts, then one line per run that is not done.
    public var text: String {
        var lines: [String] = []
        var stages: [String] = []
        for row in rows where !stages.contains(row.run.stage) { stages.append(row.run.stage) }
        for stage in stages {
            let counts = Dictionary(grouping: rows.filter { $0.run.stage == stage }, by: \.state).mapValues(\.count)
            lines.append(
                "stage \(stage): " + counts.keys.sorted().map { "\(counts[$0]!) \($0)" }.joined(separator: ", "))
        }
        // The runs not done, at most `limit` of them (a large study has thousands).
        let pending = rows.filter { $0.status != .done }
        let limit = 50
        for row in pending.prefix(limit) {
            let verdict = row.state == row.status.name ? row.status.description : row.state
            let scheduler = row.scheduler.map { " [slurm: \($0)]" } ?? ""
            lines.append(
                "  \(row.run.stage)[\(row.run.index)] \(row.run.key.short) \(row.run.label): \(verdict)\(scheduler)")
        }
        if pending.count > limit { lines.append("  … and \(pending.count - limit) more not done") }
        let done = rows.filter { $0.status == .done }.count
        lines.append("\(done) of \(rows.count) runs done" + (isComplete ? "; collect with `orbit study collect`" : ""))
        return lines.joined(separator: "\n")
    }
}
