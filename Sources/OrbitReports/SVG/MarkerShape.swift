import Foundation

/// The symbol drawn at a data point or a named location.
public enum MarkerShape: Sendable, Hashable, CaseIterable {
    case circle
    case square
    case triangle
    case diamond
    case star
    case cross

    /// The shapes in the order given to successive named points, so neighbouring markers differ in
    /// shape as well as label.
    public static func shape(_ index: Int) -> MarkerShape {
        let all = allCases
        return all[((index % all.count) + all.count) % all.count]
    }

    /// Appends this shape centred at (`x`, `y`) with "radius" `size` (half the symbol's width).
    func draw(
        into svg: inout SVGDocument, x: Double, y: Double, size: Double, fill: String, stroke: String,
        strokeWidth: Double
    ) {
        let c = NumberText.coordinate
        let paint: [(String, String)] = [
            ("fill", fill), ("stroke", stroke), ("stroke-width", c(strokeWidth)), ("stroke-linejoin", "round"),
        ]
        switch self {
        case .circle:
            svg.element("circle", [("cx", c(x)), ("cy", c(y)), ("r", c(size))] + paint)
        case .square:
            let s = size * 0.9
            svg.element("rect", [("x", c(x - s)), ("y", c(y - s)), ("width", c(2 * s)), ("height", c(2 * s))] + paint)
        case .triangle:
            let r = size * 1.2
            let points = [(x, y - r), (x + r * 0.866, y + r * 0.5), (x - r * 0.866, y + r * 0.5)]
            svg.element("path", [("d", Self.polygon(points))] + paint)
        case .diamond:
            let r = size * 1.25
            svg.element(
                "path", [("d", Self.polygon([(x, y - r), (x + r * 0.75, y), (x, y + r), (x - r * 0.75, y)]))] + paint)
        case .star:
            var points: [(Double, Double)] = []
            let outer = size * 1.4
            let inner = outer * 0.45
            for k in 0..<10 {
                let angle = Double(k) * Double.pi / 5 - Double.pi / 2
                let r = k % 2 == 0 ? outer : inner
                points.append((x + r * cos(angle), y + r * sin(angle)))
            }
            svg.element("path", [("d", Self.polygon(points))] + paint)
        case .cross:
            // A plus-shaped polygon, filled, so it reads as a solid symbol like the others.
            let r = size * 1.15
            let t = size * 0.4
            let points = [
                (x - t, y - r), (x + t, y - r), (x + t, y - t), (x + r, y - t), (x + r, y + t), (x + t, y + t),
                (x + t, y + r), (x - t, y + r), (x - t, y + t), (x - r, y + t), (x - r, y - t), (x - t, y - t),
            ]
            svg.element("path", [("d", Self.polygon(points))] + paint)
        }
    }

    private static func polygon(_ points: [(Double, Double)]) -> String {
        var d = ""
        for (i, p) in points.enumerated() {
            d += (i == 0 ? "M" : " L") + NumberText.coordinate(p.0) + " " + NumberText.coordinate(p.1)
        }
        return d + " Z"
    }
}
