import ArgumentParser
import Foundation
import OrbitKit

/// `orbit study`: declarative studies run locally or as Slurm array jobs (README, "Running on a cluster").
struct StudyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study",
        abstract: "Studies: trainings and comparisons declared in a file, run locally or on Slurm.",
        discussion: """
            A study file (JSON; see examples/width-seeds.study.json) declares the models to train
            (architecture × widths × seeds; with "hessian", the Hessian's top eigenvalue and trace
            at each trained model) and the comparisons between them (lines, weight- or
            activation-matched lines, fitted curves and NGD fold-lines over all pairs; star centres
            over all seeds of a width). Every run is stored in OUT/runs/KIND-HASH/,
            HASH a SHA-256 of its full configuration and its inputs' hashes: identical runs are
            never repeated, a rerun of a finished study does nothing, and a changed setting reruns
            exactly the runs it affects.
              orbit study plan FILE                      the runs and their stages (a DAG)
              orbit study run FILE --jobs 2              run here, 2 runs at a time
              orbit study submit FILE --slurm --partition P --time 01:00:00
              orbit study status FILE                    done / queued / running / failed / missing
              orbit study collect FILE                   OUT/studies/NAME/report/
            """,
        subcommands: [
            StudyPlanCommand.self, StudyRunCommand.self, StudySubmitCommand.self, StudyStatusCommand.self,
            StudyCollectCommand.self, StudyTaskCommand.self,
        ])
}

/// The study file and the store every `orbit study` subcommand takes.
struct StudyOptions: ParsableArguments {
    @Argument(help: "The study file (JSON).") var file: String
    @Option(help: "The run store: run folders, reports, Slurm scripts (shared by studies).") var out = "orbit-store"
    /// `--threads`, as on every command. A run's thread count is part of its configuration (results
    /// depend on it), so it comes from the study file's `threads`; `--threads` may only repeat it.
    @OptionGroup var global: GlobalOptions

    /// The study's plan; refuses a `--threads` that differs from the study file's `threads`.
    func plan() throws -> StudyPlan {
        let plan = try StudyPlan(StudyFile(contentsOf: absolutePath(file)))
        if let threads = global.threads, threads != plan.study.threads {
            throw ValidationError(
                "--threads \(threads) differs from the study file's \"threads\": \(plan.study.threads); every run uses the "
                    + "study's thread count (it is part of the run's configuration and hash), so change it there")
        }
        global.apply()
        return plan
    }

    var store: RunStore { RunStore(root: absolutePath(out)) }
}

/// `path` made absolute against the working directory (task processes and Slurm jobs run elsewhere).
func absolutePath(_ path: String) -> String {
    let url = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
    return url.standardizedFileURL.path
}

/// This `orbit` executable, for the processes and jobs that run tasks.
func currentExecutable() -> String {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        ?? absolutePath(CommandLine.arguments[0])
}

/// Prints a line to standard error at once.
func studyLog(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }

struct StudyPlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Print the study's runs as a DAG: trainings, comparisons, summary.")

    @OptionGroup var study: StudyOptions

    func run() throws {
        let plan = try study.plan()
        print(plan.text)
    }
}

struct StudyRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run the study here, N runs at a time, then collect the report.",
        discussion: """
            Each run is an `orbit study task` process with the study's thread count, so the numbers
            equal those of `submit`. Killed or failed runs are redone by running the command again;
            finished ones are skipped.
            """)

    @OptionGroup var study: StudyOptions
    @Option(help: "Runs at the same time (default: cores ÷ the study's threads).") var jobs: Int?

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    }

    func run() throws {
        let plan = try study.plan()
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let jobs = jobs ?? max(1, cores / plan.study.threads)
        if jobs * plan.study.threads > cores {
            studyLog("note: \(jobs) jobs × \(plan.study.threads) threads exceeds the \(cores) cores")
        }
        let executor = LocalExecutor(
            plan: plan, store: study.store, studyPath: absolutePath(study.file), executable: currentExecutable(),
            jobs: jobs, log: studyLog)
        let summary = try executor.run()
        print(
            "\(summary.executed.count) run(s) executed, \(summary.skipped.count) already done, "
                + "\(summary.failed.count) failed, of \(plan.runs.count)")
        guard summary.failed.isEmpty else { throw ExitCode.failure }
        let directory = StudyCollection.directory(store: study.store, study: plan.study.name)
        let written = try StudyCollection(plan: plan, store: study.store).write(to: directory)
        print("wrote \(directory)/" + written.joined(separator: ", \(directory)/"))
    }
}

struct StudySubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit the runs not done to Slurm: one array job per stage, then the summary.",
        discussion: """
            Writes OUT/studies/NAME/slurm/STAGE.sbatch (#SBATCH --array with the indices of the runs
            not done, --dependency=afterok on the stages before), submits them with sbatch and prints
            the job ids. OUT must be on a filesystem every node sees. Submit again after a failure or
            scancel: only missing runs go out.
            """)

    @OptionGroup var study: StudyOptions
    @Flag(help: "Submit to Slurm (the only scheduler so far; required).") var slurm = false
    @Option(help: "Slurm partition.") var partition: String?
    @Option(help: "Wall time per task, e.g. 01:00:00.") var time: String?
    @Option(help: "CPUs per task (default: the study's threads).") var cpus: Int?
    @Option(help: "Memory per task, e.g. 4G.") var mem: String?
    @Flag(help: "Write the scripts but do not submit them.") var dryRun = false

    func validate() throws {
        guard slurm else { throw ValidationError("submit needs a scheduler: give --slurm") }
        if let cpus, cpus < 1 { throw ValidationError("--cpus must be at least 1") }
    }

    func run() throws {
        let plan = try study.plan()
        if let cpus, cpus < plan.study.threads {
            studyLog("note: --cpus \(cpus) is less than the study's \(plan.study.threads) threads per run")
        }
        let executor = SlurmExecutor(
            plan: plan, store: study.store, studyPath: absolutePath(study.file), executable: currentExecutable(),
            options: SlurmOptions(partition: partition, time: time, cpus: cpus, memory: mem))
        // A dry run names each job after its script and submits nothing.
        let jobs = try executor.submit(
            log: studyLog,
            submit: dryRun ? { "dry-run:" + URL(fileURLWithPath: $0).lastPathComponent } : SlurmExecutor.sbatch)
        if jobs.isEmpty {
            print("every run is done; nothing submitted (orbit study collect \(study.file))")
            return
        }
        for job in jobs { print("\(job.stage)\t\(job.job)\t\(job.script)") }
    }
}

struct StudyStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Done, queued, running, failed, missing or foreign-version, per stage and per run.")

    @OptionGroup var study: StudyOptions

    func run() throws {
        let report = StudyStatusReport(plan: try study.plan(), store: study.store)
        print(report.text)
    }
}

struct StudyCollectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect", abstract: "Write the report of the finished runs: tables, figures, JSON, CSV.")

    @OptionGroup var study: StudyOptions
    @Option(help: "Report folder (default: OUT/studies/NAME/report).") var report: String?

    func run() throws {
        let plan = try study.plan()
        let collection = try StudyCollection(plan: plan, store: study.store)
        let directory = report ?? StudyCollection.directory(store: study.store, study: plan.study.name)
        let written = try collection.write(to: directory)
        print("\(plan.runs.count - collection.results.missing.count) of \(plan.runs.count) runs finished")
        print("wrote \(directory)/" + written.joined(separator: ", \(directory)/"))
    }
}

struct StudyTaskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "task", abstract: "Run one run of a stage (what each Slurm array task and local job runs).")

    @OptionGroup var study: StudyOptions
    @Option(help: "The stage, e.g. train-0 or compare.") var stage: String
    @Option(help: "The run's index in the stage ($SLURM_ARRAY_TASK_ID).") var index: Int

    func run() throws {
        let plan = try study.plan()
        let task = StudyTask(plan: plan, store: study.store)
        let run = try task.run(stage: stage, index: index)
        studyLog("\(stage)[\(index)] \(run.key.folderName) \(run.label), \(run.threads) thread(s)")
        let ran = try task.execute(run)
        print(ran ? "done \(run.key.folderName)" : "already done \(run.key.folderName)")
    }
}
