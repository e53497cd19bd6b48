import OrbitTraining

/// Loss and accuracy along a path at a grid of t, on each split, with the path's geometry and every
/// barrier derived from it.
public struct PathProfile: Sendable, Codable {
    public var name: String
    public var kind: String
    /// The grid, increasing from 0 to 1.
    public var t: [Double]
    /// Metrics at each t, per split (`train`, `test`).
    public var splits: [String: [SplitMetrics]]
    /// The arc length ∫‖θ′‖ and the chord ‖θ(1) − θ(0)‖ (nil for paths whose geometry is not computed).
    public var length: Double?
    public var chordLength: Double?

    /// length / chord: the normalised geodesic distance bound the path certifies (Lin et al. Eq. 8).
    public var normalizedLength: Double? {
        guard let length, let chordLength, chordLength > 0 else { return nil }
        return length / chordLength
    }

    /// Every barrier definition on every split, for loss and (when present) accuracy.
    public var barriers: [Barrier] {
        var result: [Barrier] = []
        for split in splits.keys.sorted() {
            let metrics = splits[split]!
            let loss = metrics.map(\.loss)
            for d in BarrierDefinition.allCases {
                if let (value, at) = d.evaluate(t: t, values: loss) {
                    result.append(Barrier(definition: d, split: split, metric: "loss", value: value, at: at))
                }
            }
            let accuracies = metrics.compactMap(\.accuracy)
            if accuracies.count == metrics.count {
                for d in BarrierDefinition.allCases {
                    if let (value, at) = d.evaluate(t: t, values: accuracies, higherIsBetter: true) {
                        result.append(Barrier(definition: d, split: split, metric: "accuracy", value: value, at: at))
                    }
                }
            }
        }
        return result
    }

    /// The barrier of `definition` on `split` for `metric`.
    public func barrier(_ definition: BarrierDefinition, split: String = "train", metric: String = "loss") -> Double? {
        barriers.first { $0.definition == definition && $0.split == split && $0.metric == metric }?.value
    }

    /// n points evenly spaced on [0, 1], both ends included, with t = ½ added when missing (the
    /// midpoint barrier needs it).
    public static func grid(points n: Int) -> [Double] {
        precondition(n >= 2, "a path profile needs at least 2 points")
        var t = (0..<n).map { Double($0) / Double(n - 1) }
        if !t.contains(where: { abs($0 - 0.5) < 1e-12 }) {
            t.append(0.5)
            t.sort()
        }
        return t
    }
}
