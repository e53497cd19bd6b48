/// The map from data values on one axis to SVG user-space coordinates.
struct AxisMapping {
    let scale: AxisScale
    /// The transformed data range (log10 of the bounds for a logarithmic axis).
    let low: Double
    let high: Double
    /// The pixel positions of `low` and `high` (for a y axis `start` is the bottom, so it is the
    /// larger number).
    let start: Double
    let end: Double

    init(scale: AxisScale, range: ClosedRange<Double>, start: Double, end: Double) {
        self.scale = scale
        var low = scale.transformed(range.lowerBound) ?? 0
        var high = scale.transformed(range.upperBound) ?? 1
        if !(high > low) {
            // A zero-width range would divide by zero; centre it instead.
            low -= 0.5
            high += 0.5
        }
        self.low = low
        self.high = high
        self.start = start
        self.end = end
    }

    /// The coordinate of `value`, or nil if it cannot be placed (non-finite, or ≤ 0 on a log axis).
    func pixel(_ value: Double) -> Double? {
        guard let t = scale.transformed(value) else { return nil }
        let p = start + (t - low) / (high - low) * (end - start)
        return p.isFinite ? p : nil
    }

    /// Whether `value` lies within the axis range (a small tolerance admits ticks at the bounds).
    func contains(_ value: Double) -> Bool {
        guard let t = scale.transformed(value) else { return false }
        let tolerance = (high - low) * 1e-9
        return t >= low - tolerance && t <= high + tolerance
    }
}
