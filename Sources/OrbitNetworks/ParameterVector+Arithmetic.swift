import OrbitNumerics

/// Whole-vector arithmetic through BLAS level 1; both operands must share a layout.
extension ParameterVector {
    private func requireSameLayout(_ other: ParameterVector, _ operation: String) {
        precondition(layout == other.layout, "\(operation): parameter vectors with different layouts")
    }

    /// self ← self + α·x (`?axpy`).
    public mutating func add(_ x: ParameterVector, scaledBy alpha: Scalar = 1) {
        requireSameLayout(x, "add")
        x.withUnsafeBufferPointer { xb in withUnsafeMutableBufferPointer { axpy(alpha, xb, $0) } }
    }

    /// self ← α·self (`?scal`).
    public mutating func scale(by alpha: Scalar) {
        withUnsafeMutableBufferPointer { scal(alpha, $0) }
    }

    /// (1 − t)·a + t·b, the point at t on the segment from a to b.
    public static func lerp(_ a: ParameterVector, _ b: ParameterVector, _ t: Scalar) -> ParameterVector {
        var result = a
        result.scale(by: 1 - t)
        result.add(b, scaledBy: t)
        return result
    }

    /// Σ_i c_i·P_i for coefficients c and points P (all of one layout): the evaluation of an
    /// affine path θ(t) = Σ c_i(t)·P_i.
    public static func combination(_ coefficients: [Scalar], _ points: [ParameterVector]) -> ParameterVector {
        precondition(
            coefficients.count == points.count && !points.isEmpty,
            "combination of \(coefficients.count) coefficients and \(points.count) points")
        var result = ParameterVector(layout: points[0].layout)
        result.formCombination(coefficients, points)
        return result
    }

    /// ⟨self, other⟩ (`?dot`).
    public func dot(_ other: ParameterVector) -> Scalar {
        requireSameLayout(other, "dot")
        return withUnsafeBufferPointer { a in other.withUnsafeBufferPointer { OrbitNumerics.dot(a, $0) } }
    }

    /// ‖self‖₂ (`?nrm2`).
    public var norm: Scalar { withUnsafeBufferPointer { nrm2($0) } }

    /// ‖self − other‖₂.
    public func distance(to other: ParameterVector) -> Scalar { (self - other).norm }

    public static func + (lhs: ParameterVector, rhs: ParameterVector) -> ParameterVector {
        var r = lhs
        r.add(rhs)
        return r
    }

    public static func - (lhs: ParameterVector, rhs: ParameterVector) -> ParameterVector {
        var r = lhs
        r.add(rhs, scaledBy: -1)
        return r
    }

    public static func * (scale: Scalar, vector: ParameterVector) -> ParameterVector {
        var r = vector
        r.scale(by: scale)
        return r
    }
}
