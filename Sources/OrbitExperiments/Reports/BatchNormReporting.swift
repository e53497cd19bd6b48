import OrbitNetworks
import OrbitTraining

/// How a report names the BatchNorm handling its measurements used (``BatchNormHandling``): the
/// JSON value under `batch_norm` and the line of the HTML page and printed summary. A network
/// without BatchNorm has nothing to reset or interpolate, so its reports say `none`, whatever
/// `--bn` was.
public struct BatchNormReporting: Sendable, Equatable {
    public var handling: BatchNormHandling
    /// Whether the measured network has BatchNorm nodes.
    public var applies: Bool

    public init(_ handling: BatchNormHandling, network: Network) {
        self.handling = handling
        applies = network.plan.hasBatchNorm
    }

    /// `reset`, `interpolate`, or `none` for a network without BatchNorm.
    public var jsonValue: String { applies ? handling.rawValue : "none" }

    /// ``BatchNormHandling/reportDescription``, or that the network has no BatchNorm.
    public var fact: String { applies ? handling.reportDescription : "none (the network has no BatchNorm)" }

    /// The HTML fact row: ("BatchNorm", ``fact``).
    public var factRow: (String, String) { ("BatchNorm", fact) }
}
