/// The sizes and colours shared by every Orbit chart, chosen to read well at 800 px wide: no text
/// below 12 px, no line thinner than 1.5 px.
enum ChartStyle {
    static let titleSize = 17.0
    static let axisLabelSize = 14.0
    static let tickLabelSize = 12.0
    static let legendSize = 13.0
    static let annotationSize = 12.0

    static let lineWidth = 1.5
    static let dataLineWidth = 2.0
    static let tickLength = 5.0

    static let textColour = "#222222"
    static let frameColour = "#444444"
    static let gridColour = "#ebebeb"

    /// Vertical offset that centres a digit-height glyph on a y coordinate (≈ cap height / 2).
    static func verticalCentring(_ fontSize: Double) -> Double { fontSize * 0.35 }
}
