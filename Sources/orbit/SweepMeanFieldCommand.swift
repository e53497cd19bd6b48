import ArgumentParser
import Foundation
import OrbitKit

struct SweepMeanFieldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mean-field",
        abstract: "Two-layer mean-field nets trained by SGD: aligned interpolation error vs width (Thm 3.1).")

    @Option(help: "Widths N, comma-separated.") var widths = "16,32,64,128,256"
    @Option(help: "Input dimension d.") var inputDim = 4
    @Option(help: "Teacher neurons M ≤ d.") var teacher = 2
    @Option(help: "One-pass SGD steps.") var steps = 4000
    @Option(help: "SGD step size ε.") var stepSize = 0.05
    @Option(help: "Test samples.") var testSamples = 500
    @OptionGroup var sweepOptions: SweepRunOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        _ = try parseGrid(widths, option: "--widths", minimum: 1)
        guard teacher >= 1, teacher <= inputDim else { throw ValidationError("--teacher must be in 1...--input-dim") }
        guard steps >= 0, testSamples >= 1, stepSize > 0, stepSize.isFinite else {
            throw ValidationError("--steps ≥ 0, --test-samples ≥ 1 and --step-size > 0 are required")
        }
    }

    func run() throws {
        global.apply()
        try sweepOptions.execute(
            MeanFieldTwoLayer.sweep(
                widths: try parseGrid(widths, option: "--widths", minimum: 1), inputDimension: inputDim,
                teacherNeurons: teacher, steps: steps, stepSize: stepSize, seeds: try sweepOptions.seedList(),
                testSamples: testSamples))
    }
}
