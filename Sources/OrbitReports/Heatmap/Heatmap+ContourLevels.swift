import Foundation

extension Heatmap {
    /// Which contour lines to draw.
    public enum ContourLevels: Sendable, Equatable {
        /// About `count` levels at nice values inside the colour range (1-2-5 steps on a linear
        /// scale; 1, 2, 5 × 10ᵏ or similar ladders on a logarithmic one).
        case automatic(count: Int)
        /// Exactly these levels.
        case values([Double])
        /// No contours.
        case none
    }

    /// The contour levels that will be drawn, ascending.
    public var resolvedContourLevels: [Double] {
        let range = resolvedColourRange
        switch contourLevels {
        case .none:
            return []
        case .values(let levels):
            return levels.filter { $0.isFinite }.sorted()
        case .automatic(let count):
            let lo = range.lowerBound
            let hi = range.upperBound
            guard hi > lo, count > 0 else { return [] }
            switch colourScale {
            case .linear:
                return AxisTicks.linear(from: lo, to: hi, targetCount: count).values.filter { $0 > lo && $0 < hi }
            case .logarithmic:
                return Self.logarithmicLevels(lo, hi, count: count)
            }
        }
    }

    /// Values m × 10ᵏ strictly inside (lo, hi) for the mantissa ladder whose count is nearest
    /// `count` (the coarser ladder on ties).
    static func logarithmicLevels(_ lo: Double, _ hi: Double, count: Int) -> [Double] {
        let ladders: [[Double]] = [
            [1], [1, 3], [1, 2, 5], [1, 1.5, 2, 3, 5, 7], [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 9],
        ]
        let first = Int(log10(lo).rounded(.down)) - 1
        let last = Int(log10(hi).rounded(.up))
        var best: [Double] = []
        for ladder in ladders {
            var levels: [Double] = []
            for e in first...last {
                for m in ladder {
                    // m × 10^e via an exact integer multiple, so 1.5e-2 is the literal 0.015.
                    let v = AxisTicks.niceValue(multiple: m * 10, exponent: e - 1)
                    if v > lo && v < hi { levels.append(v) }
                }
            }
            if best.isEmpty || abs(levels.count - count) < abs(best.count - count) { best = levels }
        }
        return best
    }
}
