import ArgumentParser
import Foundation
import OrbitKit

struct PlaneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plane",
        abstract: "Loss on the plane through three models (e.g. A, B and a curve's bend), as a contour map.",
        discussion: """
            The plane θ(x, y) = A + x·u + y·v with u, v orthonormal (Gram–Schmidt), A at (0, 0), B on the x axis.
            Writes DIR/plane.json, plane.csv, plane-train.svg, plane-test.svg and report.html.
            Example: orbit plane a.safetensors b.safetensors bend.safetensors --grid 21 --data fashion-mnist --out plane
            """)

    @Argument(help: "Three models spanning the plane (the first is the origin).") var models: [String]
    @Option(help: "Grid points per axis.") var grid = 21
    @Option(help: "Margin around the three points, as a fraction of their extent.") var margin = 0.2
    @OptionGroup var data: DataOptions
    @OptionGroup var modelOptions: ModelOptions
    @Option(help: "Evaluation batch size.") var batch = 1000
    @Option(help: "Output directory.") var out: String
    @OptionGroup var batchNorm: BatchNormOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard models.count == 3 else {
            throw ValidationError("orbit plane takes exactly three models (got \(models.count))")
        }
        guard grid >= 2 else { throw ValidationError("--grid must be at least 2") }
        guard margin >= 0, margin.isFinite else { throw ValidationError("--margin must be non-negative") }
    }

    func run() throws {
        global.apply()
        let loaded = try models.map { try modelOptions.load($0) }
        let network = loaded[0].network
        for (path, m) in zip(models, loaded).dropFirst() {
            try m.requireSameLayout(as: loaded[0], file: path, referenceFile: models[0])
        }
        let dataset = try data.load()
        try network.requireFits(dataset, model: models[0])
        let names = models.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent }
        let basis = try PlaneBasis(loaded[0].parameters, loaded[1].parameters, loaded[2].parameters, names: names)
        let start = Date()
        let surface = try PathEvaluator(network: network, batchSize: batch, batchNorm: batchNorm.bn).plane(
            basis, points: grid, on: dataset, margin: margin)
        FileHandle.standardError.write(
            Data("\(grid * grid) grid points in \(String(format: "%.1f", Date().timeIntervalSince(start))) s\n".utf8))
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let written = try writeSurfaceReport(
            surface, title: "Loss on the plane through \(names.joined(separator: ", "))",
            context: [
                ("models", models.joined(separator: ", ")), ("data", dataset.name),
                ("network", network.compactDescription ?? "see plane.json"),
                ("grid", "\(grid) × \(grid), margin \(margin)"),
            ], prefix: "plane", directory: out, batchNorm: batchNorm.reporting(for: network))
        print(surfaceSummary(surface))
        print("BatchNorm: \(batchNorm.reporting(for: network).fact)")
        print("wrote " + written.map { "\(out)/\($0)" }.joined(separator: ", "))
    }
}
