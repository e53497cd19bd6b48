// OrbitKit re-exports Orbit's layers so that `import OrbitKit` gives the whole library.
@_exported import OrbitCheckpoints
@_exported import OrbitData
@_exported import OrbitFormats
@_exported import OrbitNetworks
@_exported import OrbitNumerics
@_exported import OrbitPaths
@_exported import OrbitReports
@_exported import OrbitSymmetry
@_exported import OrbitTraining

/// Orbit's version, recorded in every report and checkpoint it writes.
public let orbitVersion = "0.1.0"
