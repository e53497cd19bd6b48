import Foundation
import Testing

@testable import OrbitReports

@Suite("Reports: axis ticks and number text")
struct ReportTicksTests {
    @Test func unitIntervalGetsTenthsInStepsOfTwo() {
        let ticks = AxisTicks.linear(from: 0, to: 1)
        #expect(ticks.values == [0, 0.2, 0.4, 0.6, 0.8, 1.0])  // exact literals: no 0.6000000000000001
        #expect(ticks.labels == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        #expect(ticks.step == 0.2)
    }

    @Test func assortedRangesGetNiceStepsInsideTheRange() {
        #expect(AxisTicks.linear(from: 0.013, to: 0.87).values == [0.2, 0.4, 0.6, 0.8])
        let wide = AxisTicks.linear(from: -3.2, to: 41)
        #expect(wide.values == [0, 10, 20, 30, 40])
        #expect(wide.labels == ["0", "10", "20", "30", "40"])
        let negative = AxisTicks.linear(from: -0.037, to: -0.0041)
        #expect(negative.values == [-0.035, -0.03, -0.025, -0.02, -0.015, -0.01, -0.005])
        #expect(negative.labels == ["-0.035", "-0.030", "-0.025", "-0.020", "-0.015", "-0.010", "-0.005"])
        // Reversed bounds are swapped.
        #expect(AxisTicks.linear(from: 1, to: 0).values == AxisTicks.linear(from: 0, to: 1).values)
    }

    @Test func everyRangeGetsEvenlySpacedOneTwoFiveTicks() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        for _ in 0..<500 {
            let centre = (next() - 0.5) * pow(10, Double(Int(next() * 12) - 6))
            let span = pow(10, Double(Int(next() * 14) - 7)) * (0.5 + next())
            let low = centre - span * next()
            let high = low + span
            for target in [3, 6, 10] {
                let ticks = AxisTicks.linear(from: low, to: high, targetCount: target)
                guard let step = ticks.step else {
                    Issue.record("no step for [\(low), \(high)]")
                    continue
                }
                #expect(
                    ticks.values.count >= 2 && ticks.values.count <= 2 * target + 1,
                    "[\(low), \(high)] → \(ticks.values)")
                #expect(ticks.values.count == ticks.labels.count)
                #expect(Set(ticks.labels).count == ticks.labels.count, "labels must differ: \(ticks.labels)")
                let exponent = (log10(step)).rounded(.down)
                let mantissa = (step / pow(10, exponent) * 1000).rounded() / 1000
                #expect([1, 2, 5, 10].contains(mantissa), "step \(step)")
                for v in ticks.values {
                    #expect(v >= low - span * 1e-9 && v <= high + span * 1e-9)
                }
                for (a, b) in zip(ticks.values, ticks.values.dropFirst()) {
                    // b − a itself carries the rounding of values much larger than the step.
                    #expect(abs((b - a) - step) <= step * 1e-6 + max(abs(a), abs(b)) * 4e-16)
                }
            }
        }
    }

    @Test func degenerateAndNonFiniteRangesStillGetTicks() {
        let single = AxisTicks.linear(from: 5, to: 5)
        #expect(single.values.contains(5))
        #expect(single.values.count >= 3)
        #expect(single.values.allSatisfy { $0 >= 4.5 && $0 <= 5.5 })
        let zero = AxisTicks.linear(from: 0, to: 0)
        #expect(zero.values.contains(0) && zero.values.first! >= -1 && zero.values.last! <= 1)
        #expect(AxisTicks.linear(from: .nan, to: 3).values == AxisTicks.linear(from: 0, to: 1).values)
        #expect(AxisTicks.logarithmic(from: 2, to: 2).values.contains(2))
        // Extreme spans neither trap nor produce non-finite ticks.
        for (low, high) in [(-1e308, 1e308), (0, 5e-324), (1, 1 + 1e-15), (-Double.greatestFiniteMagnitude, 0)] {
            let ticks = AxisTicks.linear(from: low, to: high)
            #expect(ticks.values.count >= 2 && ticks.values.allSatisfy(\.isFinite))
            #expect(ticks.labels.count == ticks.values.count)
        }
        #expect(AxisTicks.logarithmic(from: 5e-324, to: 1e308).values.count >= 2)
        let fallback = AxisTicks.logarithmic(from: -1, to: 0).values  // no positive bound: [1, 10]
        #expect(fallback.first == 1 && fallback.last == 10)
    }

    @Test func logarithmicTicksAreDecadesWithMinorTicks() {
        let ticks = AxisTicks.logarithmic(from: 1e-3, to: 10)
        #expect(ticks.values == [0.001, 0.01, 0.1, 1, 10])
        #expect(ticks.labels == ["0.001", "0.01", "0.1", "1", "10"])
        #expect(ticks.minorValues.contains(0.002) && ticks.minorValues.contains(5) && ticks.minorValues.contains(0.09))
        #expect(!ticks.minorValues.contains(20))
        // Many decades: every k-th decade only.
        let wide = AxisTicks.logarithmic(from: 1e-12, to: 1e6)
        #expect(wide.values.count <= 7 && wide.values.count >= 3)
        #expect(wide.labels.first == "1e-12")
        // Fewer than three decades: a 1-2-5 or finer ladder.
        #expect(AxisTicks.logarithmic(from: 0.13, to: 12).values == [0.2, 0.5, 1, 2, 5, 10])
        #expect(AxisTicks.logarithmic(from: 0.12, to: 1.1).values == [0.2, 0.3, 0.5, 0.7, 1])
        #expect(AxisTicks.logarithmic(from: 0.2, to: 0.9).values == [0.2, 0.3, 0.5, 0.7])
        #expect(AxisTicks.logarithmic(from: 0.2, to: 0.9).labels == ["0.2", "0.3", "0.5", "0.7"])
    }

    @Test func numberTextIsLocaleFreeAndExact() {
        #expect(NumberText.coordinate(12.3456) == "12.35")
        #expect(NumberText.coordinate(-0.001) == "0")
        #expect(NumberText.coordinate(-0.0) == "0")
        #expect(NumberText.coordinate(400) == "400")
        #expect(NumberText.fixed(-2.5, decimals: 2) == "-2.50")
        #expect(NumberText.scientific(2.5e-7, significantDigits: 3) == "2.5e-7")
        #expect(NumberText.scientific(1e6, significantDigits: 2) == "1e6")
        #expect(NumberText.scientific(9.996e3, significantDigits: 3) == "1e4")
        #expect(NumberText.standalone(0.001) == "0.001")
        #expect(NumberText.standalone(1e-5) == "1e-5")
        #expect(NumberText.standalone(12345) == "12345")
        #expect(AxisTicks.linear(from: 0, to: 3e6).labels.contains { $0.contains("e6") })
    }
}
