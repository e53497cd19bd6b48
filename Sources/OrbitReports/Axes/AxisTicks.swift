import Foundation

/// Tick positions and their labels for one axis or colour bar.
///
/// Linear ticks are "nice": multiples of 1, 2 or 5 × 10ᵏ, chosen so that about `targetCount` of
/// them fall inside the range; only ticks inside the range are returned (the axis range itself is
/// not stretched to the ticks, so the data keep the whole plot). Tick values are computed as
/// integer × power of ten, so 0.6 is the literal 0.6, never 0.6000000000000001.
///
/// Logarithmic ticks are the powers of ten inside the range (every k-th one when there are many),
/// with unlabelled minor ticks at 2…9 × 10ᵏ. A range holding fewer than three powers of ten gets
/// the mantissa ladder (1; 1, 2, 5; 1, 2, 3, 5, 7; or 1…9) × 10ᵏ whose tick count is nearest the
/// target, and one too narrow even for that falls back to linear ticks.
public struct AxisTicks: Sendable, Equatable {
    /// Tick positions in data units, ascending.
    public var values: [Double]
    /// One label per value.
    public var labels: [String]
    /// Unlabelled minor tick positions (logarithmic axes only).
    public var minorValues: [Double]
    /// The distance between linear ticks, or nil for logarithmic ticks.
    public var step: Double?

    public init(values: [Double], labels: [String], minorValues: [Double] = [], step: Double? = nil) {
        self.values = values
        self.labels = labels
        self.minorValues = minorValues
        self.step = step
    }

    /// Nice linear ticks inside [`lower`, `upper`].
    ///
    /// Reversed bounds are swapped; non-finite bounds give [0, 1]; a degenerate range
    /// (`lower == upper`) is widened by 10 % of the value (±1 around zero) so it still gets ticks.
    public static func linear(from lower: Double, to upper: Double, targetCount: Int = 6) -> AxisTicks {
        var (low, high) = lower.isFinite && upper.isFinite ? (min(lower, upper), max(lower, upper)) : (0, 1)
        if low == high {
            let d = low == 0 ? 1 : abs(low) * 0.1
            low -= d
            high += d
        }
        let target = max(2, targetCount)
        let raw = (high - low) / Double(target - 1)
        guard raw.isFinite, raw >= Double.leastNormalMagnitude else {
            // A span that overflows, or one too small to divide: label the ends.
            return AxisTicks(
                values: [low, high], labels: [NumberText.standalone(low), NumberText.standalone(high)],
                step: high - low)
        }
        let baseExponent = Int(log10(raw).rounded(.down))

        // Try 1, 2, 5 × 10^e around the raw step; keep the one whose tick count is closest to the
        // target, preferring the larger step on ties (fewer, roomier labels).
        var best: (mantissa: Int, exponent: Int, count: Int)?
        for exponent in (baseExponent - 1)...(baseExponent + 1) {
            for mantissa in [1, 2, 5] {
                let step = Double(mantissa) * NumberText.powerOfTen(exponent)
                let range = tickIndexRange(low: low, high: high, step: step)
                let count = range.map { $0.upperBound - $0.lowerBound + 1 } ?? 0
                guard count >= 2 else { continue }
                if let b = best {
                    let d = abs(count - target)
                    let bd = abs(b.count - target)
                    if d < bd || (d == bd && step > Double(b.mantissa) * NumberText.powerOfTen(b.exponent)) {
                        best = (mantissa, exponent, count)
                    }
                } else {
                    best = (mantissa, exponent, count)
                }
            }
        }
        guard let best,
            let indices = tickIndexRange(
                low: low, high: high, step: Double(best.mantissa) * NumberText.powerOfTen(best.exponent))
        else {
            // Only possible for ranges so narrow relative to their magnitude that no step resolves
            // them in a Double: label the ends.
            return AxisTicks(
                values: [low, high], labels: [NumberText.standalone(low), NumberText.standalone(high)],
                step: high - low)
        }
        let values = indices.map { niceValue(multiple: Double($0 * best.mantissa), exponent: best.exponent) }
        let step = Double(best.mantissa) * NumberText.powerOfTen(best.exponent)
        let largest = values.map(abs).max() ?? 0
        let labels = values.map { NumberText.tickLabel($0, step: step, largestMagnitude: largest) }
        return AxisTicks(values: values, labels: labels, step: step)
    }

    /// Logarithmic ticks inside [`lower`, `upper`] (both must be > 0; otherwise [1, 10] is used, and
    /// a non-positive `lower` alone becomes `upper` / 1000).
    public static func logarithmic(from lower: Double, to upper: Double, targetCount: Int = 6) -> AxisTicks {
        var (low, high) = (min(lower, upper), max(lower, upper))
        if !(high.isFinite && high > 0) { (low, high) = (1, 10) }
        if !(low.isFinite && low > 0) { low = high / 1000 }
        if low == high {
            low /= 3.1622776601683795
            high *= 3.1622776601683795
        }
        let logLow = log10(low)
        let logHigh = log10(high)
        let tolerance = 1e-9
        let firstDecade = Int((logLow - tolerance).rounded(.up))
        let lastDecade = Int((logHigh + tolerance).rounded(.down))
        let decades = lastDecade - firstDecade + 1
        let target = max(2, targetCount)

        func inside(_ v: Double) -> Bool { v >= low * (1 - tolerance) && v <= high * (1 + tolerance) }

        if decades >= 3 {
            let stride = max(1, Int((Double(decades) / Double(target + 1)).rounded(.up)))
            var values: [Double] = []
            for e in firstDecade...lastDecade where ((e % stride) + stride) % stride == 0 {
                values.append(NumberText.powerOfTen(e))
            }
            if values.count < 2 {
                values = [NumberText.powerOfTen(firstDecade), NumberText.powerOfTen(lastDecade)]
            }
            var minor: [Double] = []
            if stride == 1 {
                for e in (firstDecade - 1)...lastDecade {
                    for m in 2...9 {
                        let v = niceValue(multiple: Double(m), exponent: e)
                        if inside(v) { minor.append(v) }
                    }
                }
            }
            return AxisTicks(values: values, labels: values.map(NumberText.standalone), minorValues: minor)
        }

        // Fewer than three decades: the mantissa ladder whose count is nearest the target (the
        // coarser one on ties), if it gives at least three ticks.
        var best: [Double] = []
        for mantissas in [[1], [1, 2, 5], [1, 2, 3, 5, 7], [1, 2, 3, 4, 5, 6, 7, 8, 9]] {
            var values: [Double] = []
            for e in (firstDecade - 1)...(lastDecade + 1) {
                for m in mantissas {
                    let v = niceValue(multiple: Double(m), exponent: e)
                    if inside(v) { values.append(v) }
                }
            }
            if values.count >= 3 && (best.isEmpty || abs(values.count - target) < abs(best.count - target)) {
                best = values
            }
        }
        if !best.isEmpty {
            return AxisTicks(values: best, labels: best.map(NumberText.standalone))
        }
        // A very narrow range: positions are effectively linear.
        var ticks = linear(from: low, to: high, targetCount: targetCount)
        ticks.step = nil
        return ticks
    }

    /// The integer k range with k·step inside [low, high], or nil if empty or too large to count.
    private static func tickIndexRange(low: Double, high: Double, step: Double) -> ClosedRange<Int>? {
        guard step > 0, step.isFinite else { return nil }
        let a = low / step
        let b = high / step
        guard abs(a) < 1e15, abs(b) < 1e15, b - a < 10_000 else { return nil }
        // The tolerance admits ticks that sit on a bound up to rounding (0.87 / 0.01 etc.).
        let first = Int((a - 1e-9).rounded(.up))
        let last = Int((b + 1e-9).rounded(.down))
        return first <= last ? first...last : nil
    }

    /// multiple × 10^exponent computed as one correctly rounded operation on exact operands.
    static func niceValue(multiple: Double, exponent: Int) -> Double {
        let v =
            exponent >= 0
            ? multiple * NumberText.powerOfTen(exponent) : multiple / NumberText.powerOfTen(-exponent)
        return v == 0 ? 0 : v  // no negative zero
    }
}
