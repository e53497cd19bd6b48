/// A heatmap of values on a rectilinear grid with contour lines, a colour bar and named markers:
/// the loss over a plane through three models, for instance.
///
/// The grid is `z[i][j]` = value at (`x[i]`, `y[j]`): the first index runs along x, the second
/// along y (so `z[i]` is one column of the picture). Coordinates must be strictly increasing; they
/// may be unevenly spaced. Each value colours the cell around its grid point (cell borders halfway
/// between neighbouring points), and contour lines (``MarchingSquares``) pass through the grid points'
/// interpolated values, so colours and contours agree. Non-finite values (and non-positive ones on a
/// logarithmic colour scale) leave their cell light grey and stop contours there.
///
/// ```swift
/// var map = Heatmap(title: "Test loss on the plane", xLabel: "u", yLabel: "v", valueLabel: "loss",
///                   x: us, y: vs, z: loss)          // loss[i][j] at (us[i], vs[j])
/// map.colourScale = .logarithmic
/// map.markers = [.init(label: "A", x: 0, y: 0), .init(label: "B", x: 1, y: 0, shape: .square),
///                .init(label: "bend", x: bx, y: by, shape: .triangle)]
/// try map.write(to: "plane.svg")
/// ```
public struct Heatmap: SVGFigure, Equatable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    /// The colour bar's label (what the values are: "test loss").
    public var valueLabel: String
    public var x: [Double]
    public var y: [Double]
    public var z: [[Double]]
    public var colourScale: AxisScale
    /// The values mapped to the ends of the colour map (values beyond are clamped); nil for the
    /// finite data range.
    public var colourRange: ClosedRange<Double>?
    public var colourMap: ColourMap
    public var contourLevels: ContourLevels
    public var markers: [Marker]
    /// Whether one unit of x and one unit of y get the same length on the page (true for planes
    /// spanned by orthonormal directions, where distances must not be distorted).
    public var equalAspect: Bool

    public static var defaultSize: (width: Int, height: Int) { (800, 640) }

    public init(
        title: String, xLabel: String, yLabel: String, valueLabel: String, x: [Double], y: [Double], z: [[Double]],
        colourScale: AxisScale = .linear, contourLevels: ContourLevels = .automatic(count: 8), markers: [Marker] = [],
        equalAspect: Bool = true
    ) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.valueLabel = valueLabel
        self.x = x
        self.y = y
        self.z = z
        self.colourScale = colourScale
        self.colourRange = nil
        self.colourMap = .viridis
        self.contourLevels = contourLevels
        self.markers = markers
        self.equalAspect = equalAspect
    }

    /// The colour range in use: ``colourRange`` or the range of the values that can be placed on
    /// the colour scale.
    public var resolvedColourRange: ClosedRange<Double> {
        if let colourRange { return colourRange }
        var lo = Double.infinity
        var hi = -Double.infinity
        for column in z {
            for v in column where colourScale.transformed(v) != nil {
                lo = min(lo, v)
                hi = max(hi, v)
            }
        }
        guard lo <= hi else { return colourScale == .linear ? 0...1 : 1...10 }
        return lo...hi
    }

    /// The contour lines drawn (at ``resolvedContourLevels``), in data coordinates: useful for
    /// reports that also export them as numbers.
    public func contourLines() -> [ContourLine] {
        MarchingSquares.contours(x: x, y: y, z: z, levels: resolvedContourLevels)
    }

    /// The fraction of the colour map for `value`, or nil if it cannot be coloured.
    func colourFraction(_ value: Double) -> Double? {
        guard let t = colourScale.transformed(value) else { return nil }
        let range = resolvedColourRange
        guard let lo = colourScale.transformed(range.lowerBound), let hi = colourScale.transformed(range.upperBound),
            hi > lo
        else { return 0.5 }
        return min(max((t - lo) / (hi - lo), 0), 1)
    }

    /// Cell borders along one axis: halfway between neighbouring coordinates, and half a spacing
    /// beyond the first and last (±0.5 for a single coordinate).
    static func cellEdges(_ c: [Double]) -> [Double] {
        guard c.count >= 2 else { return c.isEmpty ? [] : [c[0] - 0.5, c[0] + 0.5] }
        var edges = [c[0] - (c[1] - c[0]) / 2]
        for k in 0..<(c.count - 1) { edges.append((c[k] + c[k + 1]) / 2) }
        edges.append(c[c.count - 1] + (c[c.count - 1] - c[c.count - 2]) / 2)
        return edges
    }

    /// The range covered by `edges`; [0, 1] if they are empty or not all finite (a malformed grid
    /// still renders, as an empty frame, rather than trapping).
    static func extent(_ edges: [Double]) -> ClosedRange<Double> {
        guard let lo = edges.min(), let hi = edges.max(), lo.isFinite, hi.isFinite, lo < hi else { return 0...1 }
        return lo...hi
    }

    static let missingColour = "#d4d4d4"
    static let contourColour = "#ffffff"
}
