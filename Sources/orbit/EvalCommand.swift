import ArgumentParser
import Foundation
import OrbitKit

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Loss and accuracy of a model on each split of a data set.",
        discussion: "Example: orbit eval a.safetensors --data fashion-mnist --json eval.json")

    @Argument(help: "Model file (.safetensors or .npz).") var model: String
    @OptionGroup var data: DataOptions
    @OptionGroup var modelOptions: ModelOptions
    @Option(choosing: "--loss", help: "Loss.", absent: "by the targets") var loss: LossFunction?
    @Option(help: "Evaluation batch size.") var batch = 1000
    @Option(help: "Also write the metrics as JSON ({\"train\": {\"loss\", \"accuracy\"}, \"test\": …}).") var json:
        String?
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
    }

    func run() throws {
        global.apply()
        let m = try modelOptions.load(model)
        let dataset = try data.load()
        try m.network.requireFits(dataset, model: model)
        let lossFunction = loss ?? dataset.train.targets.defaultLoss
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
