extension LineChart {
    /// One named curve: (x, y) points joined in the order given.
    ///
    /// Points whose coordinates are not finite (or, on a logarithmic axis, not positive) are
    /// skipped and break the line: the chart shows a gap there and says nothing else about them.
    public struct Series: Sendable, Equatable {
        public var name: String
        public var points: [ChartPoint]
        public var style: SeriesStyle

        public init(name: String, points: [ChartPoint], style: SeriesStyle = SeriesStyle()) {
            self.name = name
            self.points = points
            self.style = style
        }

        /// A series from `(x, y)` pairs.
        public init(name: String, points: [(x: Double, y: Double)], style: SeriesStyle = SeriesStyle()) {
            self.init(name: name, points: points.map { ChartPoint(x: $0.x, y: $0.y) }, style: style)
        }

        /// A series from parallel coordinate arrays (the shorter length wins).
        public init(name: String, x: [Double], y: [Double], style: SeriesStyle = SeriesStyle()) {
            self.init(name: name, points: zip(x, y).map { ChartPoint(x: $0, y: $1) }, style: style)
        }
    }

    /// How a series is drawn.
    public struct SeriesStyle: Sendable, Hashable {
        public var colour: Colour
        public var dash: LineDash
        /// A symbol at every point, or none.
        public var marker: MarkerShape?
        /// Stroke width in user units; at least 1.5 so the line reads at 800 px.
        public var lineWidth: Double

        public init(
            colour: Colour = Palette.colour(0), dash: LineDash = .solid, marker: MarkerShape? = nil,
            lineWidth: Double = 2
        ) {
            self.colour = colour
            self.dash = dash
            self.marker = marker
            self.lineWidth = max(lineWidth, 1.5)
        }

        /// The training-set curve of the `path`-th path: solid, in the path's palette colour.
        public static func train(_ path: Int, marker: MarkerShape? = nil) -> SeriesStyle {
            SeriesStyle(colour: Palette.colour(path), dash: .solid, marker: marker)
        }

        /// The test-set curve of the `path`-th path: dashed, in the same colour as its training curve.
        public static func test(_ path: Int, marker: MarkerShape? = nil) -> SeriesStyle {
            SeriesStyle(colour: Palette.colour(path), dash: .dashed, marker: marker)
        }
    }
}
