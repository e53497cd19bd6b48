import OrbitKit

/// Symmetry workloads (filled in as the symmetry layer lands).
enum SymmetryWorkloads {
    static var all: [Workload] { [] }
}
