/// How a line is stroked. Orbit draws training curves solid and test curves dashed, so the split is
/// readable without colour (and in grey-scale print).
public enum LineDash: Sendable, Hashable {
    case solid
    /// Long dashes: test-set curves.
    case dashed
    /// Short dots: reference and marker lines, distinct from both data styles.
    case dotted

    /// The `stroke-dasharray` for a line `lineWidth` wide, or nil for solid. Scaled with the width
    /// so dashes stay recognisable on thick lines.
    func pattern(lineWidth: Double) -> String? {
        let w = max(lineWidth, 1)
        switch self {
        case .solid: return nil
        case .dashed: return NumberText.coordinate(3.5 * w) + " " + NumberText.coordinate(2 * w)
        case .dotted: return NumberText.coordinate(1.5 * w) + " " + NumberText.coordinate(1.5 * w)
        }
    }
}
