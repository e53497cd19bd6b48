/// OrbitStar: star-shaped and geodesic connectivity (Lin, Li & Wu 2024): centres that see many
/// minima along straight lines, fold-lines, the normalised geodesic distance, and the paper's exact
/// constructions.
public enum OrbitStarModule {}
