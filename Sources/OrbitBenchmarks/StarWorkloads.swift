import OrbitKit

/// Star workloads (filled in as the star layer lands).
enum StarWorkloads {
    static var all: [Workload] { [] }
}
