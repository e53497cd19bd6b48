import ArgumentParser
import Foundation
import OrbitKit

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Loss and accuracy of a model on each split of a data set.",
        discussion: "Example: orbit eval a.safetensors --data fashion-mnist --json eval.json")

    @Argument(help: "Model file (.safetensors or .npz).") var model: String
    @OptionGroup var data: DataOptions
    @OptionGroup var modelOptions: ModelOptions
    @Option(help: "Loss: cross_entropy or mse (default: by the targets).") var loss: String?
    @Option(help: "Evaluation batch size.") var batch = 1000
    @Option(help: "Also write the metrics as JSON ({\"train\": {\"loss\", \"accuracy\"}, \"test\": …}).") var json:
        String?
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let loss, LossFunction(rawValue: loss) == nil { throw ValidationError("--loss is cross_entropy or mse") }
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
    }

    func run() throws {
        global.apply()
        let m = try modelOptions.load(model)
        let dataset = try data.load()
        guard dataset.train.featureCount == m.network.inputSize else {
            throw ValidationError(
                "\(model) takes \(m.network.inputSize) inputs but \(dataset.name) has \(dataset.train.featureCount) features"
            )
        }
        let lossFunction = loss.flatMap(LossFunction.init(rawValue:)) ?? dataset.train.targets.defaultLoss
        let rows = dataset.splits.map {
            ($0.name, m.network.evaluate(m.parameters, on: $0.split, loss: lossFunction, batchSize: batch))
        }
        print(metricsTable(rows, loss: lossFunction))
        if let json {
            var object: ResultValue = [
                "model": model, "data": dataset.name, "loss_function": lossFunction.rawValue,
                "orbit_version": orbitVersion,
            ]
            for (name, metrics) in rows { object[name] = MetricsRecord(metrics).resultValue }
            try JSONReport.write(object, to: json)
        }
    }
}
