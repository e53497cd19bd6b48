import ArgumentParser
import Foundation
import OrbitKit

struct SymmetryRescaleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rescale",
        abstract: "The loss barrier between a model and its rescalings (Zhao et al. 2025, Props 5.3–5.4).",
        discussion: """
            w′ scales the last hidden layer by m (incoming weights ×m, outputs ×m^−k); f is unchanged, yet the
            straight line w → w′ has a midpoint loss that grows without bound in m. Squared-error loss (one-hot
            targets for class labels), mean over samples. Needs relu/leaky_relu/identity and a last layer without bias.
            Example: orbit symmetry rescale m.safetensors --factors 1,2,4,8,16 --data synthetic:... --out resc
            """)

    @Argument(help: "Model file.") var model: String
    @Option(help: "Rescaling factors m > 0, comma separated.") var factors = "1,2,4,8,16,32,64"
    @Option(help: "Random permutations of the rescaled layer tried per factor (Prop 5.4).") var permutations = 50
    @Option(help: "Points of the t grid on the line.") var points = 25
    @Option(help: "Seed of the permutations.") var seed: UInt64 = 0
    @OptionGroup var data: DataOptions
    @OptionGroup var modelOptions: ModelOptions
    @Option(help: "Output directory.") var out: String
    @OptionGroup var global: GlobalOptions

    func parsedFactors() throws -> [Double] {
        let values = factors.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) > 0 && $0!.isFinite }) else {
            throw ValidationError("--factors takes positive numbers separated by commas (got '\(factors)')")
        }
        return values.map { $0! }
    }

    func validate() throws {
        _ = try parsedFactors()
        guard permutations >= 0 else { throw ValidationError("--permutations must be at least 0") }
        guard points >= 3 else { throw ValidationError("--points must be at least 3") }
    }

    func run() throws {
        global.apply()
        let m = try modelOptions.load(model, as: Double.self)
        try m.network.requireDenseChain(
            for:
                "orbit symmetry rescale (Props 5.3–5.4's closed form needs the rescaled layer read by a bias-free last layer alone; on graphs use `orbit symmetry transform --action rescale` and `orbit path`)"
        )
        let dataset = try data.load()
        let inputs = dataset.train.features.converted(to: Double.self)
        let targets: Matrix<Double>
        switch dataset.train.targets {
        case .values(let v):
            targets = v.converted(to: Double.self)
        case .classes(let labels, _):
            var onehot = Matrix<Double>(rows: labels.count, columns: m.network.outputSize)
            for (i, y) in labels.enumerated() where Int(y) < onehot.columns { onehot[i, Int(y)] = 1 }
            targets = onehot
        }
        guard targets.columns == m.network.outputSize, inputs.columns == m.network.inputSize else {
            throw ValidationError(
                "\(model) maps \(m.network.inputSize) → \(m.network.outputSize) but '\(dataset.name)' has \(inputs.columns) features and \(targets.columns) targets"
            )
        }
        let study = try RescaleBarrierStudy.run(
            network: m.network, m.parameters, inputs: inputs, targets: targets, factors: try parsedFactors(),
            permutations: permutations, seed: seed, linePoints: points)
        let files = try study.write(
            to: out, title: "Rescaling barrier of \(model)",
            facts: [
                ("model", model), ("data", dataset.name), ("samples", "\(inputs.rows)"),
                ("loss at w", String(format: "%.6g", study.endpointLoss)), ("degree k", "\(study.degree)"),
            ])
        for (i, f) in study.factors.enumerated() {
            print(
                String(
                    format: "m = %-8g midpoint %.6g (closed form %.6g)  max on line %.6g  best permuted %.6g", f,
                    study.midpoint[i], study.predicted[i], study.pathMaximum[i], study.bestPermuted[i]))
        }
        print("wrote " + files.map { "\(out)/\($0)" }.joined(separator: ", "))
    }
}
