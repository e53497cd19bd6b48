import OrbitTraining

extension PathProfile {
    /// A profile from already-measured metrics (e.g. a fold-line θ_i → c → θ_j assembled from the
    /// profiles of its two arms, which are straight lines evaluated once and shared by every pair).
    public init(
        measured name: String, kind: String, t: [Double], splits: [String: [SplitMetrics]], length: Double?,
        chordLength: Double?
    ) {
        self.name = name
        self.kind = kind
        self.t = t
        self.splits = splits
        self.length = length
        self.chordLength = chordLength
    }
}
