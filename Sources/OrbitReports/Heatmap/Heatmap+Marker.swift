extension Heatmap {
    /// A named point drawn on the heatmap as a labelled symbol (white with a dark outline, legible
    /// on every viridis colour) and listed in the legend below the plot: the end points "A" and
    /// "B", a bend, a centre.
    public struct Marker: Sendable, Equatable {
        /// The short label drawn next to the symbol.
        public var label: String
        public var x: Double
        public var y: Double
        public var shape: MarkerShape
        /// A longer explanation for the legend ("A: seed 1 minimum"), or nil for the label alone.
        public var description: String?

        public init(label: String, x: Double, y: Double, shape: MarkerShape = .circle, description: String? = nil) {
            self.label = label
            self.x = x
            self.y = y
            self.shape = shape
            self.description = description
        }

        var legendText: String {
            guard let description, !description.isEmpty else { return label }
            return label + ": " + description
        }
    }
}
