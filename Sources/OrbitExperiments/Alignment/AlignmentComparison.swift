import Foundation
import OrbitAlignment
import OrbitData
import OrbitNetworks
import OrbitNumerics
import OrbitPaths
import OrbitTraining

/// What `orbit align` and `orbit merge` report side by side (issue 17; REPAIR, Jordan et al. 2023,
/// Fig. 1 and Table 1): the point between the models — the midpoint of a line, or the merge — and
/// the barrier of
///
/// - **naive**: the unaligned models (line A→B, or their plain average), BatchNorm buffers interpolated;
/// - **aligned**: B permuted onto A (line A→π(B), or the mean of the aligned models), buffers interpolated;
/// - **aligned + BN reset** (BatchNorm networks only): the same with the running statistics
///   recomputed on the train split at every point (`docs/math/layer-graph.md §4`);
/// - **aligned + REPAIR**: every point repaired (``REPAIR``) on the train split's features, after a
///   BatchNorm reset unless `--bn interpolate`; the repaired points are evaluated with the statistics
///   REPAIR measured them with.
///
/// The barrier is the mean-endpoint barrier (``BarrierDefinition/meanEndpoint``):
/// max_t L(t) − (L(0) + L(1))/2 along a line, and L(merge) − (1/K)·Σ_k L(θ_k) at a merge of K models
/// (the same formula with the merge as the only inner point); for accuracy the drop, mean end-point
/// accuracy − min A. Cost: three (four with BatchNorm) path evaluations plus one REPAIR per point.
public struct AlignmentComparison: Sendable, Codable {
    public enum Column: String, CaseIterable, Sendable, Codable {
        case naive
        case aligned
        case alignedReset = "aligned_bn_reset"
        case alignedRepair = "aligned_repair"

        /// The table header.
        public var title: String {
            switch self {
            case .naive: return "naive"
            case .aligned: return "aligned"
            case .alignedReset: return "aligned+BN reset"
            case .alignedRepair: return "aligned+REPAIR"
            }
        }
    }

    /// One column: what was measured and its numbers per split.
    public struct Entry: Sendable, Codable {
        public var column: Column
        /// The points measured and how their BatchNorm statistics were set.
        public var description: String
        /// Loss and accuracy per split at t = ½ (a line) or at the merge.
        public var midpoint: [String: SplitMetrics]
        /// The mean-endpoint barrier of the loss, and the accuracy drop, per split.
        public var lossBarrier: [String: Double]
        public var accuracyBarrier: [String: Double]
        /// The whole profile along a line (nil for a merge).
        public var profile: PathProfile?
    }

    /// `line` (two models, along the line) or `merge` (the merged point only).
    public var kind: String
    /// The barrier definition, by name, and its formula.
    public var barrierDefinition: String
    public var barrierFormula: String
    /// The BatchNorm handling of the REPAIR column (`reset`, `interpolate`, or `none` without BatchNorm).
    public var batchNorm: String
    /// The nodes REPAIR repaired, and those it skipped (no bias, no norm after them).
    public var repairedNodes: [String]
    public var skippedNodes: [String]
    /// The columns measured, in order (aligned + BN reset only for BatchNorm networks; REPAIR only when
    /// the network has a node to repair).
    public var entries: [Entry]
    /// Why a column is missing, if one is.
    public var notes: [String]

    /// The entry of `column`, if measured.
    public func entry(_ column: Column) -> Entry? { entries.first { $0.column == column } }

    static let definition = BarrierDefinition.meanEndpoint

    init(kind: String, network: Network, batchNorm: BatchNormHandling) {
        self.kind = kind
        barrierDefinition = Self.definition.rawValue
        barrierFormula = Self.definition.formula
        self.batchNorm = BatchNormReporting(batchNorm, network: network).jsonValue
        (repairedNodes, skippedNodes) = REPAIR.nodes(of: network)
        entries = []
        notes = []
    }

    /// The four columns along the lines A→B and A→π(B) at the grid `t` (which must hold 0, ½ and 1).
    public static func line(
        network: Network, a: ParameterVector<Float>, b: ParameterVector<Float>, aligned: ParameterVector<Float>,
        on dataset: Dataset, t: [Double], batchNorm: BatchNormHandling, batchSize: Int = 1000
    ) throws -> AlignmentComparison {
        var result = AlignmentComparison(kind: "line", network: network, batchNorm: batchNorm)
        let plain = PathEvaluator(network: network, batchSize: batchSize, batchNorm: .interpolate)
        let buffers = network.plan.hasBatchNorm ? ", BatchNorm statistics interpolated" : ""
        let naive = try plain.profile(AffinePath.line(a, b), on: dataset, t: t, name: "line A→B")
        result.entries.append(Entry(.naive, "line A→B\(buffers)", naive))
        let line = AffinePath.line(a, aligned)
        let alignedProfile = try plain.profile(line, on: dataset, t: t, name: "line A→π(B)")
        result.entries.append(Entry(.aligned, "line A→π(B)\(buffers)", alignedProfile))
        if network.plan.hasBatchNorm {
            let reset = PathEvaluator(network: network, batchSize: batchSize, batchNorm: .reset)
            let profile = try reset.profile(line, on: dataset, t: t, name: "line A→π(B), BN reset")
            result.entries.append(
                Entry(.alignedReset, "line A→π(B), BatchNorm statistics reset on the train split at every t", profile))
        } else {
            result.notes.append("aligned+BN reset: not applicable, the network has no BatchNorm (--bn ignored)")
        }
        guard !result.repairedNodes.isEmpty else {
            result.notes.append("aligned+REPAIR: the network has no BatchNorm, LayerNorm or biased hidden layer")
            return result
        }
        let repair = REPAIR(batchSize: batchSize, resetsBatchNormStatistics: batchNorm == .reset)
        let points = try repair.repair(
            network: network, models: [a, aligned], combinations: t.map { [1 - $0, $0] },
            inputs: dataset.train.features)
        var splits: [String: [SplitMetrics]] = [:]
        for (name, split) in dataset.splits {
            splits[name] = points.map { network.evaluate($0, on: split, batchSize: batchSize) }
        }
        let profile = PathProfile(
            measured: "line A→π(B), REPAIR", kind: "repaired line", t: t, splits: splits, length: nil, chordLength: nil)
        result.entries.append(
            Entry(
                .alignedRepair, "line A→π(B), every point REPAIRed\(repairBatchNormNote(network, batchNorm))", profile))
        return result
    }

    /// The four columns at the merge of `models` (`aligned`: the same models after their permutations):
    /// their plain average, the mean of the aligned models, with BN reset, and REPAIRed (`repaired`, when
    /// the caller already has the REPAIRed merge on the train split with the same handling).
    public static func merge(
        network: Network, models: [ParameterVector<Float>], aligned: [ParameterVector<Float>], on dataset: Dataset,
        batchNorm: BatchNormHandling, repaired: ParameterVector<Float>? = nil, batchSize: Int = 1000
    ) throws -> AlignmentComparison {
        var result = AlignmentComparison(kind: "merge", network: network, batchNorm: batchNorm)
        let weights = Array(repeating: 1 / Double(models.count), count: models.count)
        let splits = dataset.splits
        let ends = splits.map { _, split in models.map { network.evaluate($0, on: split, batchSize: batchSize) } }
        func entry(_ column: Column, _ description: String, _ point: ParameterVector<Float>) -> Entry {
            var midpoint: [String: SplitMetrics] = [:]
            var loss: [String: Double] = [:]
            var accuracy: [String: Double] = [:]
            for ((name, split), endpoints) in zip(splits, ends) {
                let m = network.evaluate(point, on: split, batchSize: batchSize)
                midpoint[name] = m
                loss[name] = m.loss - endpoints.map(\.loss).reduce(0, +) / Double(endpoints.count)
                if let a = m.accuracy {
                    accuracy[name] = endpoints.compactMap(\.accuracy).reduce(0, +) / Double(endpoints.count) - a
                }
            }
            return Entry(
                column: column, description: description, midpoint: midpoint, lossBarrier: loss,
                accuracyBarrier: accuracy, profile: nil)
        }
        let buffers = network.plan.hasBatchNorm ? ", BatchNorm statistics averaged" : ""
        let mean = ParameterVector.combination(weights.map { Float($0) }, models)
        result.entries.append(entry(.naive, "plain average of the models\(buffers)", mean))
        let merged = ParameterVector.combination(weights.map { Float($0) }, aligned)
        result.entries.append(entry(.aligned, "average of the aligned models\(buffers)", merged))
        if network.plan.hasBatchNorm {
            var points = [merged]
            network.resetBatchNormStatistics(&points, on: dataset.train, batchSize: batchSize)
            result.entries.append(
                entry(.alignedReset, "average of the aligned models, BatchNorm statistics reset", points[0]))
        } else {
            result.notes.append("aligned+BN reset: not applicable, the network has no BatchNorm (--bn ignored)")
        }
        guard !result.repairedNodes.isEmpty else {
            result.notes.append("aligned+REPAIR: the network has no BatchNorm, LayerNorm or biased hidden layer")
            return result
        }
        let repair = REPAIR(batchSize: batchSize, resetsBatchNormStatistics: batchNorm == .reset)
        let point =
            try repaired
            ?? repair.repair(network: network, models: aligned, weights: weights, inputs: dataset.train.features)
        result.entries.append(
            entry(
                .alignedRepair, "average of the aligned models, REPAIRed\(repairBatchNormNote(network, batchNorm))",
                point))
        return result
    }

    static func repairBatchNormNote(_ network: Network, _ batchNorm: BatchNormHandling) -> String {
        guard network.plan.hasBatchNorm else { return "" }
        return batchNorm == .reset
            ? " (BatchNorm statistics reset on the train split first, --bn reset)"
            : " (BatchNorm statistics interpolated, --bn interpolate)"
    }

    /// The table: one row per split and quantity, one column per entry; then the legend.
    public var table: String {
        let columns = Column.allCases
        let width = 18
        var lines = [
            "".padding(toLength: 26, withPad: " ", startingAt: 0) + columns.map { $0.title.leftPadded(width) }.joined()
        ]
        let point = kind == "line" ? "at t=1/2" : "at merge"
        let splitNames = (entries.first?.midpoint.keys.sorted(by: >)) ?? []
        func row(_ label: String, _ value: (Entry) -> String?) {
            var line = label.padding(toLength: 26, withPad: " ", startingAt: 0)
            for c in columns { line += (entry(c).flatMap(value) ?? "–").leftPadded(width) }
            lines.append(line)
        }
        for s in splitNames {
            row("\(s) loss \(point)") { $0.midpoint[s].map { reportNumber($0.loss, "%.4f") } }
            row("\(s) acc \(point)") { $0.midpoint[s]?.accuracy.map { reportNumber($0 * 100, "%.2f%%") } }
            row("\(s) loss barrier") { $0.lossBarrier[s].map { reportNumber($0, "%.4f") } }
            row("\(s) acc barrier") { $0.accuracyBarrier[s].map { reportNumber($0 * 100, "%.2f%%") } }
        }
        lines.append(
            "barrier: \(barrierDefinition) = \(kind == "line" ? barrierFormula : "L(merge) − mean_k L(θ_k)")"
                + " (accuracy: the drop from the mean end-point accuracy)")
        for e in entries { lines.append("\(e.column.title): \(e.description)") }
        if !repairedNodes.isEmpty {
            lines.append(
                "REPAIR: \(repairedNodes.count) node(s) repaired"
                    + (skippedNodes.isEmpty
                        ? "" : "; skipped (no bias, no norm after): \(skippedNodes.joined(separator: ", "))"))
        }
        lines += notes
        return lines.joined(separator: "\n")
    }
}

extension AlignmentComparison.Entry {
    /// A line's entry: the midpoint and the mean-endpoint barriers read off its profile.
    init(_ column: AlignmentComparison.Column, _ description: String, _ profile: PathProfile) {
        self.column = column
        self.description = description
        self.profile = profile
        midpoint = [:]
        lossBarrier = [:]
        accuracyBarrier = [:]
        let half = profile.t.firstIndex { abs($0 - 0.5) < 1e-12 }
        for (name, metrics) in profile.splits {
            if let half { midpoint[name] = metrics[half] }
            lossBarrier[name] = profile.barrier(AlignmentComparison.definition, split: name, metric: "loss")
            accuracyBarrier[name] = profile.barrier(AlignmentComparison.definition, split: name, metric: "accuracy")
        }
    }
}
