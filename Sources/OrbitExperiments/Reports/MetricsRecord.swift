import OrbitReports
import OrbitTraining

/// One split's loss and accuracy as written in JSON: `{"loss": …, "accuracy": … or null}`.
///
/// `accuracy` is written as `null` (not left out) when the targets are not classes, so every
/// report has the same keys; a non-finite loss is written as JSONReport spells it.
public struct MetricsRecord: Codable, Equatable, Sendable {
    public var loss: Double
    public var accuracy: Double?

    public init(_ m: SplitMetrics) {
        loss = m.loss
        accuracy = m.accuracy
    }

    public init(loss: Double, accuracy: Double?) {
        self.loss = loss
        self.accuracy = accuracy
    }

    enum CodingKeys: String, CodingKey { case loss, accuracy }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(loss, forKey: .loss)
        try container.encode(accuracy, forKey: .accuracy)
    }
}

extension MetricsRecord: ResultValueConvertible {
    public var resultValue: ResultValue { ["loss": loss, "accuracy": accuracy] }
}
