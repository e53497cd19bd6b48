import Testing

@testable import OrbitNumerics

@Suite struct MatrixCoreTests {
    @Test func valueSemanticsCopyOnWrite() {
        var a = Matrix<Double>.identity(3)
        let b = a
        a[0, 1] = 5
        #expect(b[0, 1] == 0 && a[0, 1] == 5)
    }

    @Test func transposeAndSubmatrix() {
        let a = Matrix<Float>([[1, 2, 3], [4, 5, 6]])
        #expect(a.transposed() == Matrix([[1, 4], [2, 5], [3, 6]]))
        #expect(a.submatrix(rows: 0..<2, columns: 1..<3) == Matrix([[2, 3], [5, 6]]))
        #expect(a.oneNorm == 9 && Matrix<Double>.identity(4).trace == 4)
    }

    /// Maps and reductions give the same answer on one thread and on all cores, for sizes on both
    /// sides of the parallel threshold.
    @Test(arguments: [5, 1 << 21 + 3])
    func mapsAndReductionsAgreeAcrossThreadCounts(count: Int) {
        var g = SeededGenerator(seed: 3)
        let a = Matrix<Float>.uniform(rows: 1, columns: count, in: -1..<1, generator: &g)
        let saved = Threading.threadCount
        defer { Threading.configure(threads: saved) }
        Threading.configure(threads: 1)
        let serialSum = a.sum(), serialMap = a.map { $0 * $0 }
        Threading.configure(threads: 2)
        let parallelSum = a.sum(), parallelMap = a.map { $0 * $0 }
        #expect(serialMap == parallelMap)
        #expect(abs(serialSum - parallelSum) <= 1e-9 * Double(count))
        let direct = a.withUnsafeBufferPointer { $0.reduce(0.0) { $0 + Double($1) } }
        #expect(abs(parallelSum - direct) <= 1e-9 * Double(count))
        var b = a
        b.mapInPlace { $0 * $0 }
        #expect(b == parallelMap)
        #expect(abs(a.sumOfSquares() - b.sum()) <= 1e-6 * b.sum())
    }

    @Test func extremaAndFiniteness() {
        var a = Matrix<Double>([[1, -7, 3], [2, 9, .nan]])
        #expect(a.max() == 9 && a.min() == -7)
        #expect(!a.isFinite && a.firstNonFinite()! == (1, 2))
        a[1, 2] = 0
        #expect(a.isFinite)
    }

    @Test func seededRandomIsReproducibleAndHasTheRightMoments() {
        var g1 = SeededGenerator(seed: 42), g2 = SeededGenerator(seed: 42), g3 = SeededGenerator(seed: 43)
        let a = Matrix<Double>.normal(rows: 200, columns: 500, generator: &g1)
        let b = Matrix<Double>.normal(rows: 200, columns: 500, generator: &g2)
        let c = Matrix<Double>.normal(rows: 200, columns: 500, generator: &g3)
        #expect(a == b && a != c)
        // 100 000 standard normals: mean within 5σ/√n, variance within 2%.
        #expect(abs(a.mean()) < 5 / 100_000.0.squareRoot())
        #expect(abs(a.sumOfSquares() / 100_000 - 1) < 0.02)
        var g4 = SeededGenerator(seed: 1)
        let u = Matrix<Float>.uniform(rows: 1000, columns: 100, in: -2..<3, generator: &g4)
        #expect(u.min()! >= -2 && u.max()! < 3 && abs(u.mean() - 0.5) < 0.05)
    }

    @Test(arguments: [(5, 5), (8, 3), (3, 8)])
    func orthogonalInitialisation(rows: Int, columns: Int) {
        var g = SeededGenerator(seed: 9)
        let q = Matrix<Double>.orthogonal(rows: rows, columns: columns, gain: 2, generator: &g)
        let gram =
            rows >= columns
            ? Matrix.product(q, q, transposeA: .transposed) : Matrix.product(q, q, transposeB: .transposed)
        #expect(relativeError(gram, 4 * Matrix.identity(min(rows, columns))) < 1e-13)
    }

    @Test func chunkRangesTileTheIndexRange() {
        for count in [0, 1, 7, 100] {
            for chunks in 1...5 where chunks <= max(count, 1) {
                let ranges = (0..<chunks).map { chunkRange($0, of: chunks, count: count) }
                #expect(ranges.first!.lowerBound == 0 && ranges.last!.upperBound == count)
                #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
            }
        }
    }
}
