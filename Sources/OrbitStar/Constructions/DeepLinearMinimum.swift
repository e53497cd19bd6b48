import OrbitNetworks
import OrbitNumerics

/// A point θ = (A_1, …, A_L) of a deep linear network f(x; θ) = A_L ⋯ A_1 x (Lin, Li & Wu 2024,
/// §4.2; docs/math/star.md §3), A_1 ∈ ℝ^{m×d}, A_l ∈ ℝ^{m×m} for 1 < l < L, A_L ∈ ℝ^{1×m}.
///
/// Under Assumption 15 (y = Qx, E x = 0, E xxᵀ = Σ ≻ 0) the population loss is
/// R(θ) = (A_L⋯A_1 − Q) Σ (A_L⋯A_1 − Q)ᵀ, so the minimum set is {θ : A_L⋯A_1 = Q}.
///
/// **In Orbit** this is the network `linear:d-m-…-m-1` (L dense layers without bias);
/// `layers.(l−1).weight` is A_l. Note that the paper's proof of Prop. 23 numbers the layers the other
/// way round (A_1 the output row); this type always uses A_1 = input layer.
public struct DeepLinearMinimum: Sendable {
    /// A_1 … A_L, input layer first.
    public let factors: [Matrix<Double>]

    /// Checks that consecutive shapes chain and the output is one row.
    public init(factors: [Matrix<Double>]) throws(ConstructionError) {
        guard factors.count >= 2 else {
            throw .invalidSetting("a deep linear network needs depth L ≥ 2, got \(factors.count)")
        }
        for l in 1..<factors.count where factors[l].columns != factors[l - 1].rows {
            throw .shapeMismatch(
                tensor: "A_\(l + 1)", expected: "\(factors[l].rows)×\(factors[l - 1].rows)",
                got: factors[l].shapeDescription)
        }
        guard factors.last!.rows == 1 else {
            throw .shapeMismatch(
                tensor: "A_\(factors.count)", expected: "1×\(factors.last!.columns)",
                got: factors.last!.shapeDescription)
        }
        self.factors = factors
    }

    /// L.
    public var depth: Int { factors.count }
    /// d.
    public var inputDimension: Int { factors[0].columns }
    /// m (the width of the first hidden layer; the constructions use equal hidden widths).
    public var width: Int { factors[0].rows }

    /// A_L ⋯ A_1 (1×d). O(L·m²·d) via BLAS.
    public var product: Matrix<Double> { Self.chainProduct(factors) }

    /// A_L ⋯ A_1 for `factors` listed input-first.
    static func chainProduct(_ factors: [Matrix<Double>]) -> Matrix<Double> {
        var p = factors.last!
        for l in stride(from: factors.count - 2, through: 0, by: -1) { p = p * factors[l] }
        return p
    }

    /// Population loss (P − Q) Σ (P − Q)ᵀ, P = A_L⋯A_1, for input covariance Σ (nil: identity, the
    /// Gaussian inputs of ``ConstructionData/linearTeacher(target:samples:distribution:seed:)``).
    public func populationLoss(target q: Matrix<Double>, covariance: Matrix<Double>? = nil) -> Double {
        let e = product - q
        if let covariance { return (e * covariance * e.transposed())[0, 0] }
        return e.sumOfSquares()
    }

    /// The straight-line point t·self + (1 − t)·other, layer by layer (the parameters are affine in t;
    /// the function is a degree-L polynomial in t).
    public func interpolated(to other: DeepLinearMinimum, weight t: Double) -> DeepLinearMinimum {
        let mixed = zip(factors, other.factors).map { a, b in a.zipMap(b) { t * $0 + (1 - t) * $1 } }
        return try! DeepLinearMinimum(factors: mixed)
    }

    /// The network `linear:d-m-…-m-1` of this point.
    public var network: Network {
        // Positive sizes chain by construction.
        try! Network(
            inputSize: inputDimension, blocks: factors.map { .dense(DenseLayer(outputs: $0.rows, bias: false)) })
    }

    /// `linear:d-m-…-m-1` with depth L (L − 1 hidden layers of width m).
    public static func network(inputDimension d: Int, width m: Int, depth: Int) -> Network {
        let outputs = [Int](repeating: m, count: depth - 1) + [1]
        return try! Network(inputSize: d, blocks: outputs.map { .dense(DenseLayer(outputs: $0, bias: false)) })
    }

    /// The Orbit parameter vector (layer l's weight is A_l). O(#parameters).
    public func parameters(_: Double.Type = Double.self) -> ParameterVector<Double> {
        let layout = network.layout
        var theta = ParameterVector<Double>(layout: layout)
        for (spec, a) in zip(layout.tensors, factors) { theta.setTensor(spec.name, to: a) }
        return theta
    }

    /// Reads the factors back from a `linear:` network's parameter vector.
    public init(parameters: ParameterVector<Double>) throws(ConstructionError) {
        try self.init(factors: parameters.layout.tensors.map { parameters.tensor($0.name)! })
    }

    /// A random minimum: A_L, …, A_2 with i.i.d. N(0, 1/fan-in) entries (A_L: N(0, 1)), and
    /// A_1 = G + uᵀ(Q − uG)/‖u‖² with G i.i.d. N(0, 1/d) and u = A_L⋯A_2 (the orthogonal projection
    /// of G onto {A_1 : uA_1 = Q}), so that A_L⋯A_1 = Q exactly up to rounding. The law is absolutely
    /// continuous on the minimum set, so "Lebesgue-almost every" statements apply to it. O(L·m²·d).
    public static func random(
        target q: Matrix<Double>, width m: Int, depth: Int, generator g: inout SeededGenerator
    ) throws(ConstructionError) -> DeepLinearMinimum {
        guard q.rows == 1, q.columns >= 1 else {
            throw .shapeMismatch(tensor: "Q", expected: "1×d", got: q.shapeDescription)
        }
        guard m >= 1, depth >= 2 else { throw .invalidSetting("need m ≥ 1 and L ≥ 2, got m = \(m), L = \(depth)") }
        let d = q.columns
        var upper: [Matrix<Double>] = []
        for l in 2...depth {
            let rows = l == depth ? 1 : m
            let sd = l == depth ? 1 : 1 / Double(m).squareRoot()
            upper.append(Matrix<Double>.normal(rows: rows, columns: m, standardDeviation: sd, generator: &g))
        }
        let gaussian = Matrix<Double>.normal(
            rows: m, columns: d, standardDeviation: 1 / Double(d).squareRoot(), generator: &g)
        let u = chainProduct([Matrix<Double>.identity(m)] + upper)  // 1×m
        let correction = q - u * gaussian
        let scale = 1 / u.sumOfSquares()
        let first = gaussian + (scale * u.transposed()) * correction
        return try DeepLinearMinimum(factors: [first] + upper)
    }
}
