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
        guard isDenseChain else {
            for spec in layout.tensors {
                theta.setTensor(
                    spec.name,
                    to: Self.initialValue(
                        spec, plan.tensorInitializations[spec.name]!, scheme: scheme, generator: &generator))
            }
            return theta
        }
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

extension Network {
    /// The initial value of one tensor of a graph network (``TensorInitialization``): weights by the
    /// scheme with their fan-in and fan-out (a convolution's are C·kH·kW and O·kH·kW, as PyTorch's
    /// `_calculate_fan_in_and_fan_out`), biases U(±1/√fanIn) under `.pytorch` and 0 otherwise, and
    /// constants as given. Weights are drawn as the (shape[0], rest) matrix.
    static func initialValue<Scalar: BLASScalar>(
        _ spec: TensorSpec, _ initialization: TensorInitialization, scheme: Initialization,
        generator: inout SeededGenerator
    ) -> Matrix<Scalar> {
        let (rows, columns) = spec.matrixShape
        switch (initialization, scheme) {
        case (.constant(let v), _):
            return Matrix(rows: rows, columns: columns, repeating: Scalar(v))
        case (.weight(let fanIn, _), .pytorch), (.bias(let fanIn), .pytorch):
            let bound = 1 / Double(fanIn).squareRoot()
            return .uniform(rows: rows, columns: columns, in: -bound..<bound, generator: &generator)
        case (.weight(let fanIn, _), .he):
            return .normal(
                rows: rows, columns: columns, standardDeviation: (2 / Double(fanIn)).squareRoot(), generator: &generator
            )
        case (.weight(let fanIn, let fanOut), .xavier):
            let bound = (6 / Double(fanIn + fanOut)).squareRoot()
            return .uniform(rows: rows, columns: columns, in: -bound..<bound, generator: &generator)
        case (.weight, .orthogonal):
            return .orthogonal(rows: rows, columns: columns, generator: &generator)
        case (.bias, _):
            return Matrix(rows: rows, columns: columns)
        }
    }
}
