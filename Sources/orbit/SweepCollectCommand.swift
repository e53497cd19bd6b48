import ArgumentParser
import Foundation
import OrbitKit

struct SweepCollectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract: "Merge the finished runs of a sweep (all shards) into report.html, results.json and results.csv.",
        discussion: "Example: orbit sweep collect sweeps/width   (writes sweeps/width/report/; lists missing runs)")

    @Argument(help: "Sweep folder(s); several when shards wrote to different places.") var directories: [String]
    @Option(help: "Report folder (default: the first folder's report/).") var out: String?
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard !directories.isEmpty else { throw ValidationError("give the sweep folder to collect") }
    }

    func run() throws {
        global.apply()
        let collection = try SweepCollection(directories: directories)
        let target = out ?? directories[0] + "/report"
        let written = try collection.write(to: target)
        print("\(collection.kind): \(collection.finished.count) of \(collection.runs.count) runs finished")
        for run in collection.missing {
            print("missing: run \(run.index) runs/\(run.id)")
        }
        print("wrote \(target)/" + written.filter { !$0.hasSuffix(".svg") }.joined(separator: ", \(target)/"))
        if !collection.missing.isEmpty {
            print("rerun the sweep command (or the missing shards) to finish them; finished runs are skipped")
        }
    }
}
