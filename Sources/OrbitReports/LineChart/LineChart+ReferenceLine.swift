extension LineChart {
    /// A labelled horizontal or vertical line across the plot: a reference level such as the end
    /// points' mean loss, or a marker such as t = 0.5. Drawn dotted in grey beneath the data and
    /// included in the automatic axis range. A horizontal line's label is its legend entry (after
    /// the series'); a vertical line's label stands above the plot at the line. Neither covers data.
    public struct ReferenceLine: Sendable, Equatable {
        /// The y value (horizontal line) or x value (vertical line).
        public var value: Double
        public var label: String
        public var colour: Colour
        public var dash: LineDash

        public init(at value: Double, label: String, colour: Colour = .annotationGrey, dash: LineDash = .dotted) {
            self.value = value
            self.label = label
            self.colour = colour
            self.dash = dash
        }
    }

    /// Where the legend goes. It never goes inside the plot, so it never covers data.
    public enum LegendPlacement: Sendable, Hashable {
        /// Right of the plot if the names are short enough to leave the plot at least 60 % of the
        /// width, otherwise below.
        case automatic
        case right
        case below
        case hidden
    }
}
