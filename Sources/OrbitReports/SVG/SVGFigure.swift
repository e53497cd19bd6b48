import OrbitFormats

/// A figure that renders itself as a standalone SVG document.
///
/// The same value always renders to the same bytes, so reports can be diffed and snapshot-tested.
public protocol SVGFigure: Sendable {
    /// The figure's title, shown above it and stored in the SVG's `<title>`.
    var title: String { get }

    /// The SVG document, `width`×`height` user units (pixels at 100 % zoom).
    func svg(width: Int, height: Int) -> String

    /// The size the figure is designed for (800 px wide).
    static var defaultSize: (width: Int, height: Int) { get }
}

extension SVGFigure {
    /// The SVG document at ``defaultSize``.
    public func svg() -> String {
        svg(width: Self.defaultSize.width, height: Self.defaultSize.height)
    }

    /// Writes the SVG to `path` atomically (temporary file + rename).
    public func write(to path: String, width: Int? = nil, height: Int? = nil) throws {
        try AtomicFile.write(
            svg(width: width ?? Self.defaultSize.width, height: height ?? Self.defaultSize.height), to: path)
    }
}
