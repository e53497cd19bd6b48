/// The shape of one sample — `[C, H, W]` for images, `[d]` for flat data — as text, and whether a
/// network's input shape fits it.
public enum SampleShape {
    /// Whether a network taking `input` can read samples of shape `samples`: equal shapes fit, and a
    /// flat input `[d]` fits any sample shape with d values (a dense network reads an image as its
    /// NCHW-flattened row, so MLPs on images keep working). Flat samples do not fit an image input:
    /// nothing says which d values form which channel and pixel. O(rank).
    public static func fits(_ samples: [Int], input: [Int]) -> Bool {
        if samples == input { return true }
        return input.count == 1 && input[0] == samples.reduce(1, *)
    }

    /// `1×28×28` for an image shape, `784` for a flat one.
    public static func text(_ shape: [Int]) -> String {
        shape.map(String.init).joined(separator: "×")
    }

    /// `1×28×28` for an image shape, `784 flat features` for a flat one: how messages and
    /// summaries name a sample shape.
    public static func phrase(_ shape: [Int]) -> String {
        shape.count == 1 ? "\(shape[0]) flat features" : text(shape)
    }
}

extension Dataset {
    /// Throws ``DataError/sampleShapeMismatch(dataset:samples:model:input:)`` unless a network
    /// taking inputs of shape `shape` can read this data set's samples (``SampleShape/fits(_:input:)``),
    /// e.g. "the data set's samples are 1×28×28 but resnet20:w=16 takes 3×32×32"; `description`
    /// names the network or its file. O(rank).
    public func requireSampleShape(_ shape: [Int], for description: String = "the network") throws(DataError) {
        guard SampleShape.fits(sampleShape, input: shape) else {
            throw .sampleShapeMismatch(dataset: name, samples: sampleShape, model: description, input: shape)
        }
    }

    /// How summaries describe a sample: `1×28×28` for images, `784 features` for flat data.
    public var sampleDescription: String {
        sampleShape.count == 1 ? "\(sampleShape[0]) features" : SampleShape.text(sampleShape)
    }
}
