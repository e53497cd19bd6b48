import OrbitNumerics

/// How a network's parameters are drawn before training.
public enum Initialization: String, Hashable, Sendable, Codable, CaseIterable {
    /// PyTorch's `nn.Linear` default: W and b ~ U(−1/√in, 1/√in) (Kaiming-uniform with a = √5).
    case pytorch
    /// He et al. 2015: W ~ N(0, 2/in), b = 0.
    case he
    /// Glorot & Bengio 2010: W ~ U(±√(6/(in + out))), b = 0.
    case xavier
    /// Saxe et al. 2014: W orthogonal (Haar), b = 0.
    case orthogonal
}

extension Network {
    /// Seeded initial parameters: tensors are drawn in layout order from one generator, so the seed
    /// alone fixes θ.
    public func initialParameters<Scalar: BLASScalar>(
        _ scheme: Initialization = .pytorch, seed: UInt64, as _: Scalar.Type = Scalar.self
    ) -> ParameterVector<Scalar> {
        var generator = SeededGenerator(seed: seed)
        var theta = ParameterVector<Scalar>(layout: layout)
        for spec in layout.tensors {
            let isWeight = spec.name.hasSuffix(".weight")
            // The fan-in of a bias is its layer's: the weight listed just before it.
            let fanIn =
                isWeight
                ? spec.shape[1]
                : layout.tensors.last { $0.offset < spec.offset && $0.name.hasSuffix(".weight") }!.shape[1]
            let (rows, columns) = spec.matrixShape
            let value: Matrix<Scalar>
            switch (scheme, isWeight) {
            case (.pytorch, _):
                let bound = 1 / Double(fanIn).squareRoot()
                value = .uniform(rows: rows, columns: columns, in: -bound..<bound, generator: &generator)
            case (.he, true):
                value = .normal(
                    rows: rows, columns: columns, standardDeviation: (2 / Double(fanIn)).squareRoot(),
                    generator: &generator)
            case (.xavier, true):
                let bound = (6 / Double(rows + columns)).squareRoot()
                value = .uniform(rows: rows, columns: columns, in: -bound..<bound, generator: &generator)
            case (.orthogonal, true):
                value = .orthogonal(rows: rows, columns: columns, generator: &generator)
            case (_, false):
                value = Matrix(rows: rows, columns: columns)
            }
            theta.setTensor(spec.name, to: value)
        }
        return theta
    }
}
