// OrbitKit re-exports Orbit's layers so that `import OrbitKit` gives the whole library.
@_exported import OrbitAlignment
@_exported import OrbitCheckpoints
@_exported import OrbitCurvature
@_exported import OrbitData
@_exported import OrbitExperiments
@_exported import OrbitFormats
@_exported import OrbitNetworks
@_exported import OrbitNumerics
@_exported import OrbitONNX
@_exported import OrbitPaths
@_exported import OrbitReports
@_exported import OrbitStar
@_exported import OrbitStudies
@_exported import OrbitSymmetry
@_exported import OrbitTraining
