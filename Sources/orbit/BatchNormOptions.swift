import ArgumentParser
import OrbitKit

/// `--bn reset|interpolate`, shared by every command that measures points between networks (`path`,
/// `curve`, `plane`, `landscape`, `star`, `ngd`, `merge`, `align`): how BatchNorm's running statistics are set
/// at each point (``BatchNormHandling``; `docs/math/layer-graph.md §4`). Reset, the default, recomputes
/// them on the train split at every point (Garipov et al.'s and REPAIR's practice); interpolate uses
/// the points' own interpolated buffers. Networks without BatchNorm ignore it, and their reports say
/// `none`.
struct BatchNormOptions: ParsableArguments {
    @Option(
        choosing: "--bn",
        help: "BatchNorm running statistics at each point: recomputed on the train split, or interpolated")
    var bn = BatchNormHandling.reset

    /// How reports name the choice for `network`.
    func reporting(for network: Network) -> BatchNormReporting { BatchNormReporting(bn, network: network) }
}
