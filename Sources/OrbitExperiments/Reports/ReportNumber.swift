import Foundation

/// `x` formatted with `format` (a printf format), or "∞", "−∞", "NaN" when it is not finite.
public func reportNumber(_ x: Double, _ format: String) -> String {
    if x.isNaN { return "NaN" }
    if x.isInfinite { return x > 0 ? "∞" : "−∞" }
    return String(format: format, x)
}
