/// An axis-aligned rectangle in SVG user space (y grows downwards).
struct PlotRect {
    var left: Double
    var top: Double
    var width: Double
    var height: Double

    var right: Double { left + width }
    var bottom: Double { top + height }

    func contains(_ x: Double, _ y: Double) -> Bool {
        x >= left - 1e-9 && x <= right + 1e-9 && y >= top - 1e-9 && y <= bottom + 1e-9
    }
}
