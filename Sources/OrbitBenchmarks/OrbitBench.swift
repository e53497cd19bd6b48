import ArgumentParser
import Foundation
import OrbitKit

/// `orbit-bench`: times Orbit's hot paths in a release build. `benchmarks/run.py` runs it and the
/// Python references back to back and prints ratios; see BENCHMARKS.md.
@main
struct OrbitBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orbit-bench", abstract: "Time Orbit's workloads (build with -c release).")

    @Flag(help: "List the workloads and exit.") var list = false
    @Option(help: "Run only workloads whose name contains this text (repeatable).") var filter: [String] = []
    @Option(help: "Timed runs per workload (after one warm-up).") var repetitions = 5
    @Option(help: "Threads for BLAS and Orbit's loops.") var threads: Int?
    @Flag(help: "Print one JSON object per workload instead of a table.") var json = false

    static var workloads: [Workload] {
        GEMMWorkloads.all + AssignmentWorkloads.all + MatrixFunctionWorkloads.all + TrainingWorkloads.all
            + PathWorkloads.all + AlignmentWorkloads.all + SymmetryWorkloads.all + StarWorkloads.all
            + CurvatureWorkloads.all + GraphWorkloads.all + GraphMatchingWorkloads.all
    }

    func run() throws {
        Threading.configure(threads: threads)
        let selected = Self.workloads.filter { w in filter.isEmpty || filter.contains { w.name.contains($0) } }
        if list {
            for w in selected { print(w.name) }
            return
        }
        if !json { print("workload".padding(toLength: 36, withPad: " ", startingAt: 0) + "  median (ms)   GFLOP/s") }
        for w in selected {
            let body = w.prepare()
            let times = measure(repetitions: repetitions, minimumSeconds: 0.3, body)
            let m = median(times)
            if json {
                let record: ResultValue = [
                    "workload": w.name, "seconds": times, "median": m, "flops": w.flops,
                    "threads": Threading.threadCount,
                ]
                print(try JSONReport.line(record))
            } else {
                let gflops = w.flops.map { String(format: "%9.1f", $0 / m / 1e9) } ?? "        -"
                print(
                    w.name.padding(toLength: 36, withPad: " ", startingAt: 0) + String(format: "  %11.3f", m * 1e3)
                        + "   " + gflops)
            }
            fflush(nil)
        }
    }
}
