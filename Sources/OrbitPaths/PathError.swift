import OrbitTraining

/// Why a path, plane or curve of parameter space cannot be built. Messages name the points involved.
public enum PathError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Two points that must differ are equal (‖B − A‖ = 0), so they span no direction.
    case coincidentPoints(first: String, second: String)
    /// Three points lie (numerically) on one line: the distance of the third from the line through the
    /// first two, `height`, is at most 10⁻⁹ × the larger of their distances `extent`.
    case collinearPoints([String], height: Double, extent: Double)
    /// Curve fitting learns the bends of a Bézier curve or a polygonal chain only; `kind` is another path.
    case unsupportedCurveKind(String)
    /// A curve fit's state file does not belong to this fit (another kind of run, network, options or
    /// number of bends), or cannot be read.
    case stateFile(OptimizationStateError)

    public var description: String {
        switch self {
        case .coincidentPoints(let first, let second):
            return "\(first) and \(second) are the same point of parameter space: they span no plane"
        case .collinearPoints(let names, let height, let extent):
            return
                "\(names.joined(separator: ", ")) are collinear (the last lies \(height) from the line through the others, "
                + "whose extent is \(extent)): they span no plane"
        case .unsupportedCurveKind(let kind):
            return "curve fitting learns Bézier curves or polygonal chains, not \(kind)"
        case .stateFile(let error):
            return error.description
        }
    }
}
