import Foundation

/// Runs a study on this machine: stage after stage, the runs of a stage that are not done, at most
/// `jobs` at a time, each in its own `orbit study task` process — the very command a Slurm array
/// task runs, so the local and the Slurm executor compute the same bytes. Each process uses the
/// study's `threads` (its thread share: choose `jobs` × `threads` ≤ cores). A finished run is never
/// repeated; a killed study resumes where it stopped (unfinished runs left no folder). Each task's
/// output goes to `ROOT/studies/NAME/logs/STAGE-INDEX.log`.
public struct LocalExecutor: Sendable {
    public let plan: StudyPlan
    public let store: RunStore
    /// The study file (absolute), passed to each task process.
    public let studyPath: String
    /// The `orbit` executable.
    public let executable: String
    public let jobs: Int
    public let log: @Sendable (String) -> Void

    public init(
        plan: StudyPlan, store: RunStore, studyPath: String, executable: String, jobs: Int,
        log: @escaping @Sendable (String) -> Void
    ) {
        self.plan = plan
        self.store = store
        self.studyPath = studyPath
        self.executable = executable
        self.jobs = max(1, jobs)
        self.log = log
    }

    /// What one call did.
    public struct Summary: Sendable {
        public var executed: [RunKey] = []
        public var skipped: [RunKey] = []
        public var failed: [RunKey] = []
    }

    /// Runs every stage; stops after a stage in which a run failed (later stages need its output).
    public func run() throws -> Summary {
        store.removeStaleTemporaryFolders()
        var summary = Summary()
        let logs = "\(store.root)/studies/\(plan.study.name)/logs"
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        for stage in plan.stages {
            let pending = stage.runs.filter { store.status($0.key).needsRun }
            summary.skipped += stage.runs.filter { !store.status($0.key).needsRun }.map(\.key)
            log("stage \(stage.name): \(pending.count) of \(stage.runs.count) run(s) to do, \(jobs) at a time")
            let failures = FailureList()
            let queue = WorkQueue(pending)
            let group = DispatchGroup()
            for _ in 0..<min(jobs, pending.count) {
                group.enter()
                let worker = Thread { [self] in
                    while let run = queue.next() {
                        let logPath = "\(logs)/\(run.stage)-\(run.index).log"
                        let status = launch(run, logPath: logPath)
                        if status == 0 {
                            log("  done \(run.key.short) \(run.label)")
                        } else {
                            failures.append(run.key)
                            log("  FAILED \(run.key.short) \(run.label) (exit \(status); see \(logPath))")
                        }
                    }
                    group.leave()
                }
                worker.start()
            }
            group.wait()
            // Runs another live process on this host is writing (an earlier, killed `study run`
            // leaves its task processes running) finish before the next stage reads them.
            while stage.runs.contains(where: {
                if case .running = store.status($0.key) { return true } else { return false }
            }) {
                Thread.sleep(forTimeInterval: 0.2)
            }
            for run in stage.runs where store.status(run.key).needsRun && !failures.keys.contains(run.key) {
                failures.append(run.key)
            }
            summary.failed += failures.keys
            summary.executed += pending.map(\.key).filter { !failures.keys.contains($0) }
            if !failures.keys.isEmpty {
                log("stage \(stage.name): \(failures.keys.count) run(s) failed; later stages not started")
                break
            }
        }
        return summary
    }

    /// Runs one task process and returns its exit status.
    private func launch(_ run: StudyRun, logPath: String) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "study", "task", studyPath, "--stage", run.stage, "--index", "\(run.index)", "--out", store.root,
        ]
        FileManager.default.createFile(atPath: logPath, contents: nil)
        if let handle = FileHandle(forWritingAtPath: logPath) {
            process.standardOutput = handle
            process.standardError = handle
        }
        do {
            try process.run()
        } catch {
            log("  cannot start \(executable): \(error)")
            return -1
        }
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// The runs still to start, handed out one at a time to the worker threads.
private final class WorkQueue: @unchecked Sendable {
    private var runs: [StudyRun]
    private var position = 0
    private let lock = NSLock()

    init(_ runs: [StudyRun]) { self.runs = runs }

    func next() -> StudyRun? {
        lock.lock()
        defer { lock.unlock() }
        guard position < runs.count else { return nil }
        position += 1
        return runs[position - 1]
    }
}

/// The runs of a stage that failed, appended from the worker threads.
private final class FailureList: @unchecked Sendable {
    private var list: [RunKey] = []
    private let lock = NSLock()

    func append(_ key: RunKey) {
        lock.lock()
        list.append(key)
        lock.unlock()
    }

    var keys: [RunKey] {
        lock.lock()
        defer { lock.unlock() }
        return list
    }
}
