/// The colours given to paths, in order: the Okabe–Ito palette, safe for the common forms of
/// colour-vision deficiency.
///
/// Reordered for lines on white: strong colours first, yellow (which is faint on white) last.
/// Colour alone never carries meaning in Orbit's charts: train/test differ by dash as well.
public enum Palette {
    /// Blue, vermillion, bluish green, reddish purple, orange, sky blue, black, yellow.
    public static let okabeIto: [Colour] = [
        Colour(hex: 0x0072B2),  // blue
        Colour(hex: 0xD55E00),  // vermillion
        Colour(hex: 0x009E73),  // bluish green
        Colour(hex: 0xCC79A7),  // reddish purple
        Colour(hex: 0xE69F00),  // orange
        Colour(hex: 0x56B4E9),  // sky blue
        Colour(hex: 0x000000),  // black
        Colour(hex: 0xF0E442),  // yellow
    ]

    /// The colour of the `index`-th path (cycling after eight; negative indices count from the end).
    public static func colour(_ index: Int) -> Colour {
        let n = okabeIto.count
        return okabeIto[((index % n) + n) % n]
    }
}
