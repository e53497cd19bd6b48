import Foundation

/// How data values are placed along an axis (or along a colour bar).
public enum AxisScale: Sendable, Hashable {
    case linear
    /// Base-10 logarithmic. Values ≤ 0 cannot be placed and are treated like non-finite ones
    /// (a gap in a line, an unpainted heatmap cell).
    case logarithmic

    /// `value` in the scale's linear coordinate (the value itself, or its log10), or nil if the
    /// value cannot be placed.
    func transformed(_ value: Double) -> Double? {
        switch self {
        case .linear:
            return value.isFinite ? value : nil
        case .logarithmic:
            return value.isFinite && value > 0 ? log10(value) : nil
        }
    }

    /// The inverse of ``transformed(_:)``.
    func untransformed(_ t: Double) -> Double {
        switch self {
        case .linear: return t
        case .logarithmic: return pow(10, t)
        }
    }

    /// The axis range for `values` (those that can be placed), widened by `padding` × span on each
    /// side (in the scale's coordinate) so no point sits on the frame. A single distinct value gets a
    /// range around it; no placeable values give [0, 1] (linear) or [1, 10] (logarithmic).
    func automaticRange(_ values: [Double], padding: Double) -> ClosedRange<Double> {
        var low = Double.infinity
        var high = -Double.infinity
        for v in values {
            guard let t = transformed(v) else { continue }
            low = min(low, t)
            high = max(high, t)
        }
        guard low <= high else { return self == .linear ? 0...1 : 1...10 }
        if low == high {
            let d: Double
            switch self {
            case .linear: d = low == 0 ? 1 : abs(low) * 0.1
            case .logarithmic: d = 0.5
            }
            low -= d
            high += d
        } else {
            let pad = (high - low) * padding
            low -= pad
            high += pad
        }
        return untransformed(low)...untransformed(high)
    }

    /// Ticks for the data range `range`, aiming at about `targetCount` labelled ticks.
    func ticks(_ range: ClosedRange<Double>, targetCount: Int) -> AxisTicks {
        switch self {
        case .linear: return AxisTicks.linear(from: range.lowerBound, to: range.upperBound, targetCount: targetCount)
        case .logarithmic:
            return AxisTicks.logarithmic(from: range.lowerBound, to: range.upperBound, targetCount: targetCount)
        }
    }
}
