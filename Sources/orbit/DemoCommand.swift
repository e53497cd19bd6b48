import ArgumentParser
import Foundation
import OrbitKit

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "The demo: train three networks, measure every kind of connection between them, write one report.",
        discussion: """
            On Fashion-MNIST (Debian's dataset-fashion-mnist; a synthetic teacher–student problem when it is missing,
            said on screen): three MLPs from different seeds; straight-line barriers; barriers after weight matching;
            a fitted Bézier curve; a star centre with fold-lines and the NGD bound; a rescaled copy of a model joined
            by its orbit curve (constant loss) and by a straight line (a barrier); then two ResNet-20s with BatchNorm and
            the line between them with BatchNorm statistics reset and interpolated. Writes OUT/index.html, summary.json,
            barriers.csv, SVG figures and the models. Example: orbit demo --out orbit-report
            """)

    @Option(help: "Report folder.") var out = "orbit-report"
    @Flag(help: "Seconds instead of minutes: a small synthetic problem (what the tests run).") var quick = false
    @Option(help: "Data set (default: fashion-mnist, or the synthetic problem with --quick).") var data: String?
    @Option(help: "Samples per split.") var limit: Int?
    @Option(help: "Training epochs per model.") var epochs: Int?
    @Flag(help: "Skip the convolutional part (two ResNet-20s with BatchNorm).") var noConvolutional = false
    @Flag(help: "No progress bars.") var quiet = false
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1") }
        if let limit, limit < 10 { throw ValidationError("--limit must be at least 10") }
    }

    func run() throws {
        global.apply()
        var config = quick ? DemoConfiguration.quickSetting : DemoConfiguration.full
        if let data { config.data = data }
        if let limit { config.limit = limit }
        if let epochs { config.training.epochs = epochs }
        if noConvolutional { config.convolutional = nil }
        let demo = Demo(
            configuration: config, directory: out, progressStyle: quiet ? .quiet : .automatic,
            announce: { printUnbuffered($0) })
        let result = try demo.run()
        print("")
        print(try String(contentsOfFile: "\(out)/summary.txt", encoding: .utf8), terminator: "")
        print(
            String(
                format: "\ndone in %.0f s; report: %@/index.html (also summary.json, barriers.csv, ", result.seconds,
                out)
                + "\(result.files.filter { $0.hasSuffix(".svg") }.count) SVG figures, models/)")
    }
}
