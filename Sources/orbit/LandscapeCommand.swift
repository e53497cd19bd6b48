import ArgumentParser
import Foundation
import OrbitKit

struct LandscapeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "landscape",
        abstract: "Loss around one model along random filter-normalised directions (Li et al. 2018), in 1-D or 2-D.",
        discussion:
            "Example: orbit landscape a.safetensors --dimensions 2 --grid 21 --range 1 --data fashion-mnist --out land")

    @Argument(help: "The model at the centre.") var model: String
    @Option(help: "1 or 2 directions.") var dimensions = 2
    @Option(help: "Grid points per axis.") var grid = 21
    @Option(help: "The grid spans [-range, range] along each direction.") var range = 1.0
    @Option(help: "Seed of the random directions.") var seed: UInt64 = 0
    @OptionGroup var data: DataOptions
    @OptionGroup var modelOptions: ModelOptions
    @Option(help: "Evaluation batch size.") var batch = 1000
    @Option(help: "Output directory.") var out: String
    @OptionGroup var batchNorm: BatchNormOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard dimensions == 1 || dimensions == 2 else { throw ValidationError("--dimensions is 1 or 2") }
        guard grid >= 2 else { throw ValidationError("--grid must be at least 2") }
        guard range > 0, range.isFinite else { throw ValidationError("--range must be positive") }
    }

    func run() throws {
        global.apply()
        let m = try modelOptions.load(model)
        let dataset = try data.load()
        try m.network.requireFits(dataset, model: model)
        let d1 = m.network.filterNormalizedDirection(around: m.parameters, seed: seed)
        let d2 = dimensions == 2 ? m.network.filterNormalizedDirection(around: m.parameters, seed: seed &+ 1) : nil
        let axis = (0..<grid).map { -range + 2 * range * Double($0) / Double(grid - 1) }
        let surface = try PathEvaluator(network: m.network, batchSize: batch, batchNorm: batchNorm.bn).surface(
            origin: m.parameters, u: d1, v: d2, x: axis, y: dimensions == 2 ? axis : [0], on: dataset,
            markers: [.init(name: URL(fileURLWithPath: model).deletingPathExtension().lastPathComponent, x: 0, y: 0)])
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let written = try writeSurfaceReport(
            surface, title: "Loss landscape around \(model) (filter-normalised directions)",
            context: [
                ("model", model), ("data", dataset.name),
                ("directions", "\(dimensions), seed \(seed), filter-normalised (Li et al. 2018), biases fixed"),
                ("grid", "\(grid) per axis on [−\(range), \(range)]"),
            ], prefix: "landscape", directory: out, batchNorm: batchNorm.reporting(for: m.network))
        print(surfaceSummary(surface))
        print("BatchNorm: \(batchNorm.reporting(for: m.network).fact)")
        print("wrote " + written.map { "\(out)/\($0)" }.joined(separator: ", "))
    }
}
