import Foundation
import Testing

@testable import OrbitReports

@Suite("Reports: marching squares")
struct ReportContourTests {
    static func grid(_ low: Double, _ high: Double, _ n: Int) -> [Double] {
        (0..<n).map { low + (high - low) * Double($0) / Double(n - 1) }
    }

    static func sample(_ x: [Double], _ y: [Double], _ f: (Double, Double) -> Double) -> [[Double]] {
        x.map { u in y.map { v in f(u, v) } }
    }

    /// Whether segments p1p2 and q1q2 cross at a point interior to both.
    static func properlyIntersect(_ p1: ChartPoint, _ p2: ChartPoint, _ q1: ChartPoint, _ q2: ChartPoint) -> Bool {
        func orientation(_ a: ChartPoint, _ b: ChartPoint, _ c: ChartPoint) -> Double {
            (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x)
        }
        let d1 = orientation(q1, q2, p1)
        let d2 = orientation(q1, q2, p2)
        let d3 = orientation(p1, p2, q1)
        let d4 = orientation(p1, p2, q2)
        let eps = 1e-12
        return ((d1 > eps && d2 < -eps) || (d1 < -eps && d2 > eps))
            && ((d3 > eps && d4 < -eps) || (d3 < -eps && d4 > eps))
    }

    static func segments(_ lines: [ContourLine]) -> [(ChartPoint, ChartPoint)] {
        lines.flatMap { line in zip(line.points, line.points.dropFirst()).map { ($0, $1) } }
    }

    static func noCrossings(_ lines: [ContourLine]) -> Bool {
        let s = segments(lines)
        for a in 0..<s.count {
            for b in (a + 1)..<s.count where properlyIntersect(s[a].0, s[a].1, s[b].0, s[b].1) {
                return false
            }
        }
        return true
    }

    @Test func radialFieldGivesACircle() {
        let x = Self.grid(-2, 2, 41)
        let y = Self.grid(-2, 2, 41)
        let h = 0.1
        for r in [0.55, 1.0, 1.73] {
            let lines = MarchingSquares.contours(x: x, y: y, z: Self.sample(x, y) { $0 * $0 + $1 * $1 }, level: r * r)
            #expect(lines.count == 1)
            let line = lines[0]
            #expect(line.isClosed)
            #expect(line.points.first == line.points.last)
            #expect(line.points.count > 16)
            for p in line.points {
                let distance = abs((p.x * p.x + p.y * p.y).squareRoot() - r)
                #expect(distance < h, "point \(p) is \(distance) from the circle of radius \(r)")
                #expect(distance < 0.01)  // linear interpolation on an edge is O(h²) accurate here
            }
            // It goes all the way round.
            let angles = line.points.map { atan2($0.y, $0.x) }
            #expect((angles.max()! - angles.min()!) > 2 * Double.pi - 0.2)
        }
    }

    @Test func linearFieldGivesAStraightVerticalLineAtTheLevel() {
        let x = Self.grid(0, 1, 11)
        let y = Self.grid(-1, 2, 7)
        // z[i][j] = x[i]: the first index runs along x, so this contour must be vertical.
        let lines = MarchingSquares.contours(x: x, y: y, z: Self.sample(x, y) { u, _ in u }, level: 0.37)
        #expect(lines.count == 1)
        let line = lines[0]
        #expect(!line.isClosed)
        #expect(line.points.count == 7)
        for p in line.points { #expect(abs(p.x - 0.37) < 1e-12) }
        #expect(Set(line.points.map(\.y)) == Set(y))
        // And z = y gives a horizontal one.
        let horizontal = MarchingSquares.contours(x: x, y: y, z: Self.sample(x, y) { _, v in v }, level: 0.25)
        #expect(horizontal.count == 1)
        #expect(horizontal[0].points.allSatisfy { abs($0.y - 0.25) < 1e-12 })
        #expect(horizontal[0].points.count == 11)
    }

    @Test func saddleCellIsResolvedByItsCentreWithoutCrossing() {
        // Corners (0,0)=1, (1,0)=0, (1,1)=1, (0,1)=0: a saddle, centre mean 0.5.
        let x = [0.0, 1.0]
        let y = [0.0, 1.0]
        let z = [[1.0, 0.0], [0.0, 1.0]]
        // Level 0.4: the centre (0.5) is above, so the two low corners (1,0) and (0,1) are cut off.
        let low = MarchingSquares.contours(x: x, y: y, z: z, level: 0.4)
        #expect(low.count == 2)
        #expect(Self.noCrossings(low))
        let cutLow = Set(
            low.map { line in line.points.map { "\(Int(($0.x * 10).rounded())),\(Int(($0.y * 10).rounded()))" }.sorted()
            })
        #expect(cutLow == [["10,4", "6,0"], ["0,6", "4,10"]])
        // Level 0.6: the centre is below, so the high corners (0,0) and (1,1) are cut off.
        let high = MarchingSquares.contours(x: x, y: y, z: z, level: 0.6)
        #expect(high.count == 2)
        #expect(Self.noCrossings(high))
        let cutHigh = Set(
            high.map { line in
                line.points.map { "\(Int(($0.x * 10).rounded())),\(Int(($0.y * 10).rounded()))" }.sorted()
            })
        #expect(cutHigh == [["0,4", "4,0"], ["10,6", "6,10"]])
    }

    @Test func saddleFieldGivesTwoNonCrossingBranchesConsistentUnderTransposition() {
        // z = x·y with no grid point on the axes: the zero level is the two axes, meeting in a saddle.
        let x = Self.grid(-1, 1, 10)
        let y = Self.grid(-1, 1, 10)
        let z = Self.sample(x, y) { $0 * $1 }
        let lines = MarchingSquares.contours(x: x, y: y, z: z, level: 0)
        #expect(lines.count == 2)
        #expect(Self.noCrossings(lines))
        for line in lines {
            #expect(!line.isClosed)
            // Both ends on the border.
            for p in [line.points.first!, line.points.last!] {
                #expect(abs(abs(p.x) - 1) < 1e-12 || abs(abs(p.y) - 1) < 1e-12)
            }
        }
        // Transposing the grid transposes the result: the saddle is decided by the cell alone.
        let zt = Self.sample(y, x) { v, u in z[x.firstIndex(of: u)!][y.firstIndex(of: v)!] }
        let transposed = MarchingSquares.contours(x: y, y: x, z: zt, level: 0)
        func key(_ lines: [ContourLine], swap: Bool) -> Set<[String]> {
            Set(lines.map { l in l.points.map { p in swap ? "\(p.y),\(p.x)" : "\(p.x),\(p.y)" }.sorted() })
        }
        #expect(key(lines, swap: false) == key(transposed, swap: true))
    }

    @Test func randomFieldsGiveNonCrossingLinesOnGridEdges() {
        var state: UInt64 = 12345
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        let x = Self.grid(0, 1, 9)
        let y = Self.grid(0, 2, 12)
        for _ in 0..<20 {
            let z = x.map { _ in y.map { _ in next() } }
            for level in [0.3, 0.5, 0.71] {
                let lines = MarchingSquares.contours(x: x, y: y, z: z, level: level)
                #expect(Self.noCrossings(lines))
                for line in lines {
                    #expect(line.points.count >= 2)
                    for p in line.points {
                        #expect(x.contains(p.x) || y.contains(p.y), "every vertex lies on a grid line")
                    }
                }
                // Every point of every segment is used exactly once per adjacent cell: no line
                // repeats a vertex except a loop's closing one.
                for line in lines {
                    let body = line.isClosed ? Array(line.points.dropLast()) : line.points
                    #expect(Set(body.map { "\($0.x),\($0.y)" }).count == body.count)
                }
            }
        }
    }

    @Test func missingValuesEndLinesWithoutNaN() {
        let x = Self.grid(-2, 2, 21)
        let y = Self.grid(-2, 2, 21)
        var z = Self.sample(x, y) { $0 * $0 + $1 * $1 }
        z[15][10] = .nan  // on the circle of radius ~1
        z[3][4] = .infinity
        let lines = MarchingSquares.contours(x: x, y: y, z: z, level: 1)
        #expect(!lines.isEmpty)
        #expect(lines.allSatisfy { !$0.isClosed })
        #expect(lines.flatMap(\.points).allSatisfy { $0.x.isFinite && $0.y.isFinite })
        // Degenerate inputs give nothing rather than trapping.
        #expect(MarchingSquares.contours(x: [0], y: [0, 1], z: [[0, 1]], level: 0.5).isEmpty)
        #expect(MarchingSquares.contours(x: [0, 1], y: [0, 1], z: [[0, 1]], level: 0.5).isEmpty)
        #expect(MarchingSquares.contours(x: x, y: y, z: z, level: .nan).isEmpty)
    }
}
