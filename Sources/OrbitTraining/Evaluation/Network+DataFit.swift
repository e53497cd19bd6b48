import OrbitData
import OrbitNetworks

extension Network {
    /// Throws a ``DataFitError`` unless every split of `dataset` fits this network: samples of a shape
    /// the network's ``inputShape`` can read (``SampleShape/fits(_:input:)``: equal shapes, or a flat
    /// input with as many features — an MLP reads an image as its flattened row), and targets it can be scored on — class labels in 0..<k with
    /// k ≤ outputs (cross-entropy and argmax need a score per class), or real values with exactly one
    /// column per output (squared error). The splits are checked in order (train, then test) and the
    /// first misfit is reported; `model` names the network in the message (its file). Cost: O(splits).
    public func requireFits(_ dataset: Dataset, model: String = "the network") throws(DataFitError) {
        for (name, split) in dataset.splits {
            try requireInputs(of: split, named: name, in: dataset, model: model)
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

    /// Throws ``DataFitError/sampleShape(model:input:dataset:split:samples:)`` (when either shape is an
    /// image's) or ``DataFitError/featureCount(model:inputs:dataset:split:features:)`` unless this
    /// network can read every split's samples (the targets are not looked at). O(splits · rank).
    public func requireInputs(of dataset: Dataset, model: String = "the network") throws(DataFitError) {
        for (name, split) in dataset.splits { try requireInputs(of: split, named: name, in: dataset, model: model) }
    }

    func requireInputs(of split: DataSplit, named name: String, in dataset: Dataset, model: String)
        throws(DataFitError)
    {
        if inputShape.count > 1 || dataset.sampleShape.count > 1,
            !SampleShape.fits(dataset.sampleShape, input: inputShape)
        {
            throw .sampleShape(
                model: model, input: inputShape, dataset: dataset.name, split: name, samples: dataset.sampleShape)
        }
        guard split.featureCount == inputSize else {
            throw .featureCount(
                model: model, inputs: inputSize, dataset: dataset.name, split: name, features: split.featureCount)
        }
    }
}
