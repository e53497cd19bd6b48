/// Cuts a polyline with gaps into the pieces visible inside a rectangle.
///
/// Charts clip geometrically rather than with an SVG `<clipPath>` because a clip path needs an
/// `id`, and ids collide when several charts are inlined in one HTML page.
enum PolylineClipping {
    typealias Point = (x: Double, y: Double)

    /// The visible runs of `points`, where nil marks a gap (a non-finite or unplaceable value).
    /// Each run has at least one point; a single-point run is an isolated value, which the caller
    /// draws as a dot so it is not silently lost.
    static func visibleRuns(_ points: [Point?], in rect: PlotRect) -> [[Point]] {
        var runs: [[Point]] = []
        var current: [Point] = []
        var previous: Point?
        func flush() {
            if !current.isEmpty { runs.append(current) }
            current = []
        }
        for point in points {
            guard let p = point else {
                flush()
                previous = nil
                continue
            }
            defer { previous = p }
            guard let q = previous else {
                if rect.contains(p.x, p.y) { current = [p] }
                continue
            }
            guard let (a, b) = clipSegment(q, p, to: rect) else {
                flush()
                continue
            }
            if let last = current.last, last.x == a.x, last.y == a.y {
                current.append(b)
            } else {
                flush()
                current = [a, b]
            }
            if b.x != p.x || b.y != p.y { flush() }  // the line leaves the rectangle here
        }
        flush()
        return runs
    }

    /// Liang–Barsky clipping of the segment p→q; nil if it misses the rectangle. An end point that
    /// is inside is returned unchanged (bit for bit), so consecutive segments join exactly.
    static func clipSegment(_ p: Point, _ q: Point, to rect: PlotRect) -> (Point, Point)? {
        let dx = q.x - p.x
        let dy = q.y - p.y
        var t0 = 0.0
        var t1 = 1.0
        let checks: [(Double, Double)] = [
            (-dx, p.x - rect.left), (dx, rect.right - p.x), (-dy, p.y - rect.top), (dy, rect.bottom - p.y),
        ]
        for (pk, qk) in checks {
            if pk == 0 {
                if qk < -1e-9 { return nil }  // parallel to this edge and outside it
            } else {
                let r = qk / pk
                if pk < 0 {
                    if r > t1 { return nil }
                    if r > t0 { t0 = r }
                } else {
                    if r < t0 { return nil }
                    if r < t1 { t1 = r }
                }
            }
        }
        let a: Point = t0 == 0 ? p : (p.x + t0 * dx, p.y + t0 * dy)
        let b: Point = t1 == 1 ? q : (p.x + t1 * dx, p.y + t1 * dy)
        return (a, b)
    }
}
