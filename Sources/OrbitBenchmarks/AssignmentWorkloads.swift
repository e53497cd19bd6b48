enum AssignmentWorkloads { static let all: [Workload] = [] }
