import Testing

@testable import OrbitData
@testable import OrbitNetworks
@testable import OrbitNumerics
@testable import OrbitTraining

/// Lin, Li & Wu's teacher f*(x) = Σ_{j≤M} ReLU(x_j), written as the network `mlp:d-M-1:relu:nobias`
/// with W₁ = [e₁ … e_M]ᵀ and W₂ = (1 … 1), has zero loss on the generator's data; a perturbed
/// teacher does not.
@Suite struct TeacherStudentNetworkTests {
    @Test(arguments: [(4, 4), (10, 3)])
    func teacherHasZeroLossOnItsOwnData(d: Int, m: Int) throws {
        let dataset = try DatasetSpec(parsing: "synthetic:teacher-student:d=\(d),M=\(m),n=500,test=100,seed=3").load()
        let network = try Network(parsing: "mlp:\(d)-\(m)-1:relu:nobias")
        var teacher = ParameterVector<Double>(layout: network.layout)
        var w1 = Matrix<Double>(rows: m, columns: d)
        for j in 0..<m { w1[j, j] = 1 }
        teacher.setTensor("layers.0.weight", to: w1)
        teacher.setTensor("layers.2.weight", to: Matrix(rows: 1, columns: m, repeating: 1))
        for (_, split) in dataset.splits {
            #expect(network.evaluate(teacher, on: split).loss < 1e-12)
        }
        var perturbed = teacher
        perturbed.withUnsafeMutableBufferPointer { $0[0] += 0.1 }
        #expect(network.evaluate(perturbed, on: dataset.train).loss > 1e-4)
    }
}
