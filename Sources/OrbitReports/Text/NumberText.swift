import Foundation

/// Deterministic, locale-free number formatting for SVG coordinates, tick labels and CSV cells.
///
/// Formatting is done with integer arithmetic rather than `String(format:)` so the output never
/// depends on the process locale or the C library, which keeps reports byte-identical across
/// machines and lets tests diff them.
enum NumberText {
    /// `10^exponent` as a Double, exact for |exponent| ≤ 22 (negative powers are one correctly
    /// rounded division, so `powerOfTen(-1)` is exactly the literal `0.1`).
    static func powerOfTen(_ exponent: Int) -> Double {
        if exponent >= 0 {
            if exponent > 22 { return pow(10.0, Double(exponent)) }
            var p = 1.0
            for _ in 0..<exponent { p *= 10 }
            return p
        }
        if exponent < -22 { return pow(10.0, Double(exponent)) }
        return 1.0 / powerOfTen(-exponent)
    }

    /// `value` with `decimals` digits after the point (rounded half away from zero on the binary
    /// value), trailing zeros removed when `trimZeros`. Negative zero prints as `0`.
    static func fixed(_ value: Double, decimals: Int, trimZeros: Bool = false) -> String {
        guard value.isFinite else { return nonFinite(value) }
        let decimals = max(0, min(decimals, 15))
        let scale = powerOfTen(decimals)
        let scaled = (abs(value) * scale).rounded()
        // Beyond 2^53 the integer path loses exactness; such values are printed in scientific form.
        guard scaled < 9.0e15 else { return scientific(value, significantDigits: 15) }
        let n = UInt64(scaled)
        let unit = UInt64(scale)
        var text = (value < 0 && n != 0) ? "-" : ""
        text += String(n / unit)
        if decimals > 0 {
            var fraction = String(n % unit)
            if fraction.count < decimals {
                fraction = String(repeating: "0", count: decimals - fraction.count) + fraction
            }
            if trimZeros { while fraction.hasSuffix("0") { fraction.removeLast() } }
            if !fraction.isEmpty { text += "." + fraction }
        }
        return text
    }

    /// An SVG coordinate or length: two decimals (1/100 user unit is far below a pixel), trailing
    /// zeros trimmed.
    static func coordinate(_ value: Double) -> String {
        fixed(value, decimals: 2, trimZeros: true)
    }

    /// `value` as `m.mmme±x` with up to `significantDigits` digits in the mantissa, trailing zeros
    /// trimmed, no `+` in the exponent: `2.5e-7`, `1e6`.
    static func scientific(_ value: Double, significantDigits: Int) -> String {
        guard value.isFinite else { return nonFinite(value) }
        if value == 0 { return "0" }
        var exponent = Int(log10(abs(value)).rounded(.down))
        var mantissa = abs(value) / powerOfTen(exponent)
        // log10 of an exact power of ten can land a hair below the integer.
        if mantissa < 1 {
            mantissa *= 10
            exponent -= 1
        }
        let digits = max(1, min(significantDigits, 15))
        // Rounding can carry into the next decade (9.99 → 10.0).
        let rounded = (mantissa * powerOfTen(digits - 1)).rounded() / powerOfTen(digits - 1)
        mantissa = rounded
        if mantissa >= 10 {
            mantissa /= 10
            exponent += 1
        }
        let sign = value < 0 ? "-" : ""
        return sign + fixed(mantissa, decimals: digits - 1, trimZeros: true) + "e" + String(exponent)
    }

    /// A tick label for `value` on an axis whose ticks are `step` apart: just enough decimals to
    /// tell neighbouring ticks apart, all labels of one axis with the same number of decimals,
    /// scientific notation for very large or very small magnitudes.
    static func tickLabel(_ value: Double, step: Double, largestMagnitude: Double) -> String {
        guard value.isFinite, step.isFinite, step > 0 else { return nonFinite(value) }
        let stepExponent = Int(log10(step).rounded(.down))
        if largestMagnitude >= 1e6 || (largestMagnitude < 1e-3 && largestMagnitude > 0) || stepExponent < -5 {
            if abs(value) < step * 1e-9 { return "0" }
            let valueExponent = Int(log10(abs(value)).rounded(.down))
            return scientific(value, significantDigits: max(1, valueExponent - stepExponent + 1))
        }
        // A step such as 0.25 (only possible for user-chosen steps) needs one decimal more than its
        // leading digit suggests; count the decimals the step itself needs.
        var decimals = max(0, -stepExponent)
        while decimals < 15 && abs(step * powerOfTen(decimals) - (step * powerOfTen(decimals)).rounded()) > 1e-9 {
            decimals += 1
        }
        return fixed(value, decimals: decimals)
    }

    /// A label for one value standing alone (a logarithmic tick, a reference line's value): the
    /// shortest of a few decimals that is within 0.01 % of the value, scientific outside
    /// [1e-4, 1e6).
    static func standalone(_ value: Double) -> String {
        guard value.isFinite else { return nonFinite(value) }
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e6 || magnitude < 1e-4 { return scientific(value, significantDigits: 3) }
        let exponent = Int(log10(magnitude).rounded(.down))
        // Three significant digits, never fewer decimals than needed to show them.
        let decimals = max(0, 2 - exponent)
        return fixed(value, decimals: decimals, trimZeros: true)
    }

    /// Swift's shortest representation that parses back to exactly the same Double (`0.1`,
    /// `1e-05`, `100.0`, `nan`, `inf`, `-inf`); used for CSV cells so every number round-trips.
    static func roundTrip(_ value: Double) -> String {
        value.description
    }

    private static func nonFinite(_ value: Double) -> String {
        value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf")
    }
}
