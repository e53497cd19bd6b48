import OrbitNumerics

extension ParameterVector {
    /// self ← Σ_i c_i·P_i in one pass over memory, into the existing storage: the point θ(t) of an
    /// affine path (Garipov et al.'s curves, Lin et al.'s fold-lines) formed once per training step.
    ///
    /// `combination(_:_:)` allocates a fresh vector and makes one axpy pass per point; for k points
    /// and P parameters that is a P-element allocation (page faults on first touch) plus k reads and
    /// k writes of the output. Here each output element is written once, after reading the k inputs:
    /// (k + 1)·P memory traffic, split across cores for large P. Cost O(k·P).
    public mutating func formCombination(_ coefficients: [Scalar], _ points: [ParameterVector]) {
        precondition(
            coefficients.count == points.count && !points.isEmpty,
            "combination of \(coefficients.count) coefficients and \(points.count) points")
        for p in points {
            precondition(p.layout == layout, "formCombination: parameter vectors with different layouts")
        }
        let count = self.count
        withUnsafeMutableBufferPointer { out in
            let outBase = UncheckedSendable(out.baseAddress!)
            // The inputs are read-only for the duration of the pass; their storage outlives it.
            let bases = UncheckedSendable(
                points.map { p in p.withUnsafeBufferPointer { UnsafePointer($0.baseAddress!) } })
            let c = coefficients
            parallelChunks(count: count, costPerElement: points.count, parallelThreshold: 1 << 18) { _, range in
                ParameterVectorKernels.combination(
                    out: outBase.value + range.lowerBound, inputs: bases.value.map { $0 + range.lowerBound },
                    coefficients: c, count: range.count)
            }
        }
    }
}

public enum ParameterVectorKernels {
    /// out[i] = Σ_j c_j·x_j[i], dispatched once to concrete Float/Double code.
    public static func combination<Scalar: BLASScalar>(
        out: UnsafeMutablePointer<Scalar>, inputs: [UnsafePointer<Scalar>], coefficients: [Scalar], count: Int
    ) {
        switch Precision(Scalar.self) {
        case .float:
            combinationKernel(
                out: out.reinterpreted(as: Float.self), inputs: inputs.map { $0.reinterpreted(as: Float.self) },
                coefficients: coefficients.map { Float($0) }, count: count)
        case .double:
            combinationKernel(
                out: out.reinterpreted(as: Double.self), inputs: inputs.map { $0.reinterpreted(as: Double.self) },
                coefficients: coefficients.map { Double($0) }, count: count)
        case .other:
            combinationKernel(out: out, inputs: inputs, coefficients: coefficients, count: count)
        }
    }

    @inline(__always)
    private static func combinationKernel<Scalar: BLASScalar>(
        out: UnsafeMutablePointer<Scalar>, inputs: [UnsafePointer<Scalar>], coefficients: [Scalar], count: Int
    ) {
        switch inputs.count {
        case 2:
            let (x0, x1, c0, c1) = (inputs[0], inputs[1], coefficients[0], coefficients[1])
            for i in 0..<count { out[i] = c0 * x0[i] + c1 * x1[i] }
        case 3:
            let (x0, x1, x2) = (inputs[0], inputs[1], inputs[2])
            let (c0, c1, c2) = (coefficients[0], coefficients[1], coefficients[2])
            for i in 0..<count { out[i] = c0 * x0[i] + c1 * x1[i] + c2 * x2[i] }
        default:
            // Any number of points: the first two in one pass, then one pass per further point.
            let (x0, c0) = (inputs[0], coefficients[0])
            if inputs.count == 1 {
                for i in 0..<count { out[i] = c0 * x0[i] }
                return
            }
            let (x1, c1) = (inputs[1], coefficients[1])
            for i in 0..<count { out[i] = c0 * x0[i] + c1 * x1[i] }
            for j in 2..<inputs.count {
                let (x, c) = (inputs[j], coefficients[j])
                for i in 0..<count { out[i] += c * x[i] }
            }
        }
    }
}
