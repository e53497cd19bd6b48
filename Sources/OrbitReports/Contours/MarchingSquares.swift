/// Contour lines of a function sampled on a rectilinear grid, by marching squares.
///
/// The grid is `z[i][j]` = f(`x[i]`, `y[j]`) (i along x, j along y; the coordinate arrays strictly
/// increasing). A corner is "above" when z ≥ level. In each cell whose corners are not all on one
/// side the contour crosses the edges whose two corners differ, at the point found by linear
/// interpolation along that edge. Each edge's crossing is computed once, from the edge's own two
/// corners, so neighbouring cells share the exact same point and the pieces join into polylines
/// without any tolerance.
///
/// Saddle cells (diagonally opposite corners above, the other two below) are resolved by the mean
/// of the four corners, an estimate of the value at the cell centre: the corners on the other side
/// from the centre are cut off. Both segments of a saddle cell then cut off opposite corners, so
/// they never cross, and the choice depends only on the cell's own four values, so it is the same
/// whichever neighbour the walk comes from.
///
/// Cells with a non-finite corner produce nothing; lines end at them as at the grid border. Only the
/// first min(`x.count`, `z.count`) columns are used, and a column shorter than `y` reads as NaN
/// beyond its end.
/// Cost: O(nx·ny) per level.
public enum MarchingSquares {
    /// The contour lines at `level`.
    public static func contours(x: [Double], y: [Double], z: [[Double]], level: Double) -> [ContourLine] {
        let grid = Grid(x: x, y: y, z: z)
        guard grid.nx >= 2, grid.ny >= 2, level.isFinite else { return [] }
        return trace(grid: grid, level: level)
    }

    /// The contour lines at each of `levels`, in the order of `levels`.
    public static func contours(x: [Double], y: [Double], z: [[Double]], levels: [Double]) -> [ContourLine] {
        levels.flatMap { contours(x: x, y: y, z: z, level: $0) }
    }

    /// The sampled values with out-of-range or missing entries read as NaN.
    struct Grid {
        let x: [Double]
        let y: [Double]
        let z: [[Double]]
        let nx: Int
        let ny: Int

        init(x: [Double], y: [Double], z: [[Double]]) {
            self.x = x
            self.y = y
            self.z = z
            nx = min(x.count, z.count)
            ny = y.count
        }

        func value(_ i: Int, _ j: Int) -> Double {
            j < z[i].count ? z[i][j] : .nan
        }

        /// Edge ids: x-edges (i,j)–(i+1,j) first, then y-edges (i,j)–(i,j+1).
        var xEdgeCount: Int { (nx - 1) * ny }
        var edgeCount: Int { xEdgeCount + nx * (ny - 1) }
        func xEdge(_ i: Int, _ j: Int) -> Int { j * (nx - 1) + i }
        func yEdge(_ i: Int, _ j: Int) -> Int { xEdgeCount + j * nx + i }

        /// The two corners of an edge, lower index first.
        func corners(ofEdge e: Int) -> ((Int, Int), (Int, Int)) {
            if e < xEdgeCount {
                let i = e % (nx - 1)
                let j = e / (nx - 1)
                return ((i, j), (i + 1, j))
            }
            let k = e - xEdgeCount
            let i = k % nx
            let j = k / nx
            return ((i, j), (i, j + 1))
        }

        /// Where the contour at `level` crosses edge `e` (whose corners lie on opposite sides).
        func crossing(_ e: Int, level: Double) -> ChartPoint {
            let ((i0, j0), (i1, j1)) = corners(ofEdge: e)
            let a = value(i0, j0)
            let b = value(i1, j1)
            let t = (level - a) / (b - a)
            return ChartPoint(x: x[i0] + t * (x[i1] - x[i0]), y: y[j0] + t * (y[j1] - y[j0]))
        }
    }

    private static func trace(grid: Grid, level: Double) -> [ContourLine] {
        // 1. Segments, each joining two crossed edges of one cell.
        var segments: [(Int, Int)] = []
        for j in 0..<(grid.ny - 1) {
            for i in 0..<(grid.nx - 1) {
                // Corners counter-clockwise from bottom-left; edge k joins corner k and corner k+1.
                let values = [grid.value(i, j), grid.value(i + 1, j), grid.value(i + 1, j + 1), grid.value(i, j + 1)]
                guard values.allSatisfy(\.isFinite) else { continue }
                let above = values.map { $0 >= level }
                let edges = [grid.xEdge(i, j), grid.yEdge(i + 1, j), grid.xEdge(i, j + 1), grid.yEdge(i, j)]
                let crossed = (0..<4).filter { above[$0] != above[($0 + 1) % 4] }
                if crossed.count == 2 {
                    segments.append((edges[crossed[0]], edges[crossed[1]]))
                } else if crossed.count == 4 {
                    // Saddle: cut off the two corners on the other side from the centre. Corner k
                    // touches edges k-1 and k.
                    let centreAbove = (values[0] + values[1] + values[2] + values[3]) / 4 >= level
                    for k in 0..<4 where above[k] != centreAbove {
                        segments.append((edges[(k + 3) % 4], edges[k]))
                    }
                }
            }
        }
        guard !segments.isEmpty else { return [] }

        // 2. Incidence: every crossed edge touches at most two segments (one per adjacent cell).
        var incident = [[Int]](repeating: [], count: grid.edgeCount)
        for (s, (a, b)) in segments.enumerated() {
            incident[a].append(s)
            incident[b].append(s)
        }
        var visited = [Bool](repeating: false, count: segments.count)
        var lines: [ContourLine] = []

        func walk(from startEdge: Int, segment startSegment: Int) -> ContourLine {
            var edgesOnLine = [startEdge]
            var edge = startEdge
            var s = startSegment
            var closed = false
            while true {
                visited[s] = true
                let (a, b) = segments[s]
                edge = a == edge ? b : a
                edgesOnLine.append(edge)
                if edge == startEdge {
                    closed = true
                    break
                }
                guard let next = incident[edge].first(where: { !visited[$0] }) else { break }
                s = next
            }
            var points: [ChartPoint] = []
            for e in edgesOnLine {
                let p = grid.crossing(e, level: level)
                // A corner exactly at the level is the crossing of both its edges; keep it once.
                if points.last != p { points.append(p) }
            }
            return ContourLine(level: level, points: points, isClosed: closed)
        }

        // 3. Open lines start at edges with one segment (the border or next to missing values)…
        for (s, (a, b)) in segments.enumerated() where !visited[s] {
            if incident[a].count == 1 {
                lines.append(walk(from: a, segment: s))
            } else if incident[b].count == 1 {
                lines.append(walk(from: b, segment: s))
            }
        }
        // …and whatever is left forms loops.
        for (s, (a, _)) in segments.enumerated() where !visited[s] {
            lines.append(walk(from: a, segment: s))
        }
        return lines
    }
}
