/// A continuous colour map: a value in [0, 1] to a colour, by linear interpolation between
/// equally spaced stops.
public struct ColourMap: Sendable, Equatable {
    /// The stops as RGB in [0, 1], the first at 0 and the last at 1, equally spaced.
    public let stops: [(red: Double, green: Double, blue: Double)]

    public init(stops: [(red: Double, green: Double, blue: Double)]) {
        precondition(stops.count >= 2, "a colour map needs at least two stops")
        self.stops = stops
    }

    /// The colour at `fraction` (clamped to [0, 1]; NaN maps to the low end).
    public func colour(at fraction: Double) -> Colour {
        let f = fraction.isNaN ? 0 : min(max(fraction, 0), 1)
        let position = f * Double(stops.count - 1)
        let lower = min(Int(position), stops.count - 2)
        let w = position - Double(lower)
        let a = stops[lower]
        let b = stops[lower + 1]
        return Colour(
            red: a.red + (b.red - a.red) * w, green: a.green + (b.green - a.green) * w,
            blue: a.blue + (b.blue - a.blue) * w)
    }

    public static func == (lhs: ColourMap, rhs: ColourMap) -> Bool {
        lhs.stops.count == rhs.stops.count
            && zip(lhs.stops, rhs.stops).allSatisfy { $0.red == $1.red && $0.green == $1.green && $0.blue == $1.blue }
    }

    /// Viridis (van der Walt & Smith, matplotlib's default): perceptually uniform, readable in grey
    /// scale and by colour-blind readers. 17 stops at k/16 taken from matplotlib's 256-entry table
    /// (entry ⌊256·k/16⌋, the one matplotlib itself uses at that value); linear interpolation between
    /// them stays within 2 % of the full table, and 0, ½ and 1 reproduce #440154, #21918c, #fde725.
    public static let viridis = ColourMap(stops: [
        (0.267004, 0.004874, 0.329415),
        (0.282327, 0.094955, 0.417331),
        (0.278826, 0.175490, 0.483397),
        (0.258965, 0.251537, 0.524736),
        (0.229739, 0.322361, 0.545706),
        (0.199430, 0.387607, 0.554642),
        (0.172719, 0.448791, 0.557885),
        (0.149039, 0.508051, 0.557250),
        (0.127568, 0.566949, 0.550556),
        (0.120638, 0.625828, 0.533488),
        (0.157851, 0.683765, 0.501686),
        (0.246070, 0.738910, 0.452024),
        (0.369214, 0.788888, 0.382914),
        (0.515992, 0.831158, 0.294279),
        (0.678489, 0.863742, 0.189503),
        (0.845561, 0.887322, 0.099702),
        (0.993248, 0.906157, 0.143936),
    ])
}
