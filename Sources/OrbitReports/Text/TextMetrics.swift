/// Approximate text extents for layout.
///
/// An SVG has no text measurement without a renderer, so layout uses an average glyph width.
/// 0.6 em is the mean advance of DejaVu Sans / Helvetica over digits and lower-case letters; it
/// errs on the wide side so legends and margins never clip.
enum TextMetrics {
    static let averageAdvance = 0.6

    /// Estimated rendered width of `text` at `fontSize` user units.
    static func width(_ text: String, fontSize: Double) -> Double {
        var ems = 0.0
        for scalar in text.unicodeScalars {
            switch scalar {
            case " ", ".", ",", ":", ";", "i", "l", "j", "'", "|", "!", "(", ")", "[", "]", "t", "f", "r":
                ems += 0.36
            case "m", "w", "M", "W", "@", "%":
                ems += 0.9
            case "A"..."Z":
                ems += 0.7
            default:
                ems += averageAdvance
            }
        }
        return ems * fontSize
    }
}
