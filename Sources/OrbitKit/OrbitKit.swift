// OrbitKit re-exports Orbit's layers so that `import OrbitKit` gives the whole library.
@_exported import OrbitNumerics

/// Orbit's version, recorded in every report and checkpoint it writes.
public let orbitVersion = "0.1.0"
