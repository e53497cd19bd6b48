import OrbitData

/// Why a data set cannot be fed to a network: its shapes do not fit the network's inputs or outputs.
/// Messages name the model (its file), the data set and split, and both sizes.
public enum DataFitError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The samples have `features` features; the network takes `inputs`.
    case featureCount(model: String, inputs: Int, dataset: String, split: String, features: Int)
    /// The samples have shape `samples`; the network takes samples of shape `input` (either is an
    /// image shape, see ``SampleShape/fits(_:input:)``).
    case sampleShape(model: String, input: [Int], dataset: String, split: String, samples: [Int])
    /// Labels range over `classes` classes; the network has only `outputs` outputs to score them.
    case classCount(model: String, outputs: Int, dataset: String, split: String, classes: Int)
    /// Real-valued targets with `columns` columns; the network has `outputs` outputs.
    case targetColumns(model: String, outputs: Int, dataset: String, split: String, columns: Int)

    public var description: String {
        switch self {
        case .featureCount(let model, let inputs, let dataset, let split, let features):
            return "\(model) takes \(inputs) inputs but '\(dataset)' (\(split)) has \(features) features"
        case .sampleShape(let model, let input, let dataset, let split, let samples):
            return
                "\(model) takes samples of \(SampleShape.phrase(input)) but '\(dataset)' (\(split)) has samples of "
                + SampleShape.phrase(samples)
        case .classCount(let model, let outputs, let dataset, let split, let classes):
            return "'\(dataset)' (\(split)) has \(classes) classes but \(model) has \(outputs) outputs"
        case .targetColumns(let model, let outputs, let dataset, let split, let columns):
            return "'\(dataset)' (\(split)) has \(columns) target columns but \(model) has \(outputs) outputs"
        }
    }
}
