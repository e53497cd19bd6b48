import Foundation
import OrbitData
import OrbitNetworks
import OrbitNumerics

/// Exact minima of a two-layer linear network y = A₂A₁x fitting the teacher y = e₁ᵀx (Lin, Li & Wu
/// 2024 §4.2): A₁ = [B; C] random with B (d×d) invertible, A₂ = [a, b] with b random and
/// a = (Q − b·C)·B⁻¹, so A₂A₁ = Q exactly (in Float64). Random minima are far apart and the straight
/// line between two of them leaves the minimum (the product is quadratic in t), while a centre exists
/// when m > 1 + r (Theorem 18).
enum StarFixtures {
    static let d = 4
    static func data(n: Int = 256, seed: UInt64 = 0) throws -> Dataset {
        try DatasetSpec(parsing: "synthetic:linear-teacher:d=\(d),k=1,n=\(n),test=64,noise=0,q=identity,seed=\(seed)")
            .load()
    }

    static func network(width m: Int) throws -> Network { try Network(parsing: "linear:\(d)-\(m)-1") }

    static func minimum<Scalar: BLASScalar>(width m: Int, seed: UInt64, as _: Scalar.Type = Scalar.self) throws
        -> ParameterVector<Scalar>
    {
        var g = SeededGenerator(seed: seed)
        let a1 = Matrix<Double>.normal(rows: m, columns: d, standardDeviation: 0.7, generator: &g)
        let b = a1.submatrix(rows: 0..<d, columns: 0..<d)
        let c = a1.submatrix(rows: d..<m, columns: 0..<d)
        let tail = Matrix<Double>.normal(rows: 1, columns: m - d, standardDeviation: 0.4, generator: &g)
        var q = Matrix<Double>(rows: 1, columns: d)
        q[0, 0] = 1
        let head = (q - tail * c) * (try b.inverse())
        var a2 = Matrix<Double>(rows: 1, columns: m)
        for j in 0..<d { a2[0, j] = head[0, j] }
        for j in d..<m { a2[0, j] = tail[0, j - d] }
        let network = try network(width: m)
        var theta = ParameterVector<Double>(layout: network.layout)
        theta.setTensor(network.layout.tensors[0].name, to: a1)
        theta.setTensor(network.layout.tensors[1].name, to: a2)
        return theta.converted(to: Scalar.self)
    }
}
