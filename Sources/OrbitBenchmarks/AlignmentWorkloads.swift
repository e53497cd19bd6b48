import OrbitKit

/// Alignment workloads (filled in as the alignment layer lands).
enum AlignmentWorkloads {
    static var all: [Workload] { [] }
}
