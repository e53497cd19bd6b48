enum MatrixFunctionWorkloads { static let all: [Workload] = [] }
