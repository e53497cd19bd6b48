/// Errors of OrbitData that are not file-format errors (those are ``FormatError``s, passed through).
public enum DataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A data set string that cannot be parsed: the whole string, the offending part, and why.
    case badSpec(spec: String, part: String, reason: String)
    /// Fashion-MNIST is not in `directory` (`missing` is the first file not found).
    case fashionMNISTNotFound(directory: String, missing: String)
    /// The files parse but do not form a data set (shapes disagree, labels out of range, …).
    case invalidData(source: String, detail: String)
    /// A network (`model`) whose input shape `input` cannot read the samples (of shape `samples`) of
    /// the data set `dataset` (see ``SampleShape/fits(_:input:)``).
    case sampleShapeMismatch(dataset: String, samples: [Int], model: String, input: [Int])

    public var description: String {
        switch self {
        case .badSpec(let spec, let part, let reason):
            return part == spec ? "bad data set '\(spec)': \(reason)" : "bad data set '\(spec)': '\(part)': \(reason)"
        case .fashionMNISTNotFound(let directory, let missing):
            return "Fashion-MNIST not found: no \(missing)[.gz] in \(directory). "
                + "Install it with `apt-get install dataset-fashion-mnist` (Debian/Ubuntu), "
                + "or pass fashion-mnist:DIR for a directory holding the four MNIST-format files."
        case .invalidData(let source, let detail):
            return "\(source): \(detail)"
        case .sampleShapeMismatch(let dataset, let samples, let model, let input):
            var message =
                "\(dataset): the data set's samples are \(SampleShape.phrase(samples)) but \(model) takes "
                + SampleShape.phrase(input)
            if samples.count == 1 && samples[0] == input.reduce(1, *) {
                message +=
                    "; give the data set that shape (e.g. an NPZ file whose x_train is N×\(SampleShape.text(input)))"
            }
            return message
        }
    }
}
