/// OrbitStar: star-shaped and geodesic connectivity (Lin, Li & Wu 2024, arXiv 2404.06391): centres
/// that see many minima along straight lines (``CentreFitter``, ``StarCentre``), fold-lines
/// (``FoldLine``), the normalised geodesic distance bound (``normalizedGeodesicDistanceBound(_:via:_:)``),
/// and the paper's exact constructions (`Constructions/`).
public enum OrbitStarModule {}
