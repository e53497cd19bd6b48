import Testing

@testable import OrbitAlignment
@testable import OrbitNumerics

/// Channel moments pool samples and positions; streaming in batches equals one pass; the observation
/// matrix puts each position of each sample on a row.
@Suite struct ChannelMomentsTests {
    @Test func poolsSamplesAndPositions() {
        // Two samples, two channels of three positions: channel 0 holds 1…6, channel 1 holds 10·(1…6).
        let x = Matrix<Double>(rows: 2, columns: 6, flat: [1, 2, 3, 10, 20, 30, 4, 5, 6, 40, 50, 60])
        var whole = ChannelMoments(channels: 2, positions: 3)
        x.withView { whole.add($0) }
        var parts = ChannelMoments(channels: 2, positions: 3)
        x.withView { v in
            parts.add(v.submatrix(rows: 0..<1, columns: 0..<6))
            parts.add(v.submatrix(rows: 1..<2, columns: 0..<6))
        }
        // Mean 3.5 and population variance 35/12 of 1…6.
        #expect(whole.count == 6)
        #expect(whole.mean == [3.5, 35])
        #expect(abs(whole.standardDeviation[0] - (35.0 / 12).squareRoot()) < 1e-12)
        #expect(abs(whole.standardDeviation[1] - 10 * (35.0 / 12).squareRoot()) < 1e-10)
        #expect(parts.mean == whole.mean && parts.standardDeviation == whole.standardDeviation)
        let rows = x.withView { channelObservations($0, channels: 2) }
        #expect(rows.rows == 6 && rows.columns == 2)
        #expect((0..<6).map { rows[$0, 0] } == [1, 2, 3, 4, 5, 6])
        #expect((0..<6).map { rows[$0, 1] } == [10, 20, 30, 40, 50, 60])
    }
}
