import ArgumentParser
import Foundation
import OrbitKit

struct SweepWidthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "width",
        abstract: "Gaussian networks at initialisation: matching cost, W₂² and barrier vs width (Thm 5.3).",
        discussion:
            "Example: orbit sweep width --widths 16,32,64,128,256 --input-dim 5 --seeds 0,1,2 --out sweeps/width")

    @Option(help: "Hidden widths m, comma-separated.") var widths = "16,32,64,128,256"
    @Option(help: "Input dimension d (the first layer's neurons live in R^d).") var inputDim = 5
    @Option(help: "Hidden layers.") var layers = 2
    @Option(help: "Inputs x ~ N(0, I_d) for the interpolation error and barrier.") var samples = 500
    @OptionGroup var sweepOptions: SweepRunOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        _ = try parseGrid(widths, option: "--widths", minimum: 1)
        guard inputDim >= 1, layers >= 1, samples >= 1 else {
            throw ValidationError("--input-dim, --layers and --samples must be at least 1")
        }
    }

    func run() throws {
        global.apply()
        try sweepOptions.execute(
            WidthAtInitialization.sweep(
                widths: try parseGrid(widths, option: "--widths", minimum: 1), inputDimension: inputDim,
                hiddenLayers: layers, seeds: try sweepOptions.seedList(), samples: samples))
    }
}
