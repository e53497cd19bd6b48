/// One connected piece of a contour (iso-line) at `level`, in data coordinates.
public struct ContourLine: Sendable, Equatable {
    public var level: Double
    /// The vertices in order. For a closed line the last point repeats the first.
    public var points: [ChartPoint]
    /// Whether the line is a loop (otherwise it ends on the grid's border or at missing values).
    public var isClosed: Bool

    public init(level: Double, points: [ChartPoint], isClosed: Bool) {
        self.level = level
        self.points = points
        self.isClosed = isClosed
    }
}
