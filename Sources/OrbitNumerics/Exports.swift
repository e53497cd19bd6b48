// Generic elementary functions (exp, log, tanh, erf, …) for every BLASScalar, visible to every
// module that imports OrbitNumerics.
@_exported import RealModule
