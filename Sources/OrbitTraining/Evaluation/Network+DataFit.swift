import OrbitData
import OrbitNetworks

extension Network {
    /// Throws a ``DataFitError`` unless every split of `dataset` fits this network: as many features
    /// as the network has inputs, and targets it can be scored on — class labels in 0..<k with
    /// k ≤ outputs (cross-entropy and argmax need a score per class), or real values with exactly one
    /// column per output (squared error). The splits are checked in order (train, then test) and the
    /// first misfit is reported; `model` names the network in the message (its file). Cost: O(splits).
    public func requireFits(_ dataset: Dataset, model: String = "the network") throws(DataFitError) {
        for (name, split) in dataset.splits {
            guard split.featureCount == inputSize else {
                throw .featureCount(
                    model: model, inputs: inputSize, dataset: dataset.name, split: name, features: split.featureCount)
            }
            switch split.targets {
            case .classes(_, let classes) where classes > outputSize:
                throw .classCount(
                    model: model, outputs: outputSize, dataset: dataset.name, split: name, classes: classes)
            case .values(let values) where values.columns != outputSize:
                throw .targetColumns(
                    model: model, outputs: outputSize, dataset: dataset.name, split: name, columns: values.columns)
            case .classes, .values:
                break
            }
        }
    }
}
