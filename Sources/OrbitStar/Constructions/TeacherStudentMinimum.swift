import OrbitNetworks
import OrbitNumerics

/// A global minimum of Lin, Li & Wu's two-layer ReLU teacher–student problem, stored by neuron type
/// (arXiv 2404.06391, §4.1, Theorem 6; docs/math/star.md §2).
///
/// Setting (Assumption 5): teacher f*(x) = Σ_{j≤M} σ(x_j) (w*_j = e_j, M ≤ d, σ = ReLU), student
/// f(x; W) = Σ_{i≤m} σ(w_i·x) with no output weights, population loss R(W) = E_x (f(x; W) − f*(x))².
///
/// **Theorem 6 (form implemented).** For m ≥ M, with S_0 = {0} and S_j = {α e_j : α > 0}, j ∈ [M],
/// R(W) = 0 iff every row w_i lies in S_0 ∪ S_1 ∪ … ∪ S_M and Σ_i w_{i,j} = 1 for every j ∈ [M].
/// *Erratum resolved:* the statement prints S_j = {α e_j : α ≠ 0}; plugging x = −e_j gives
/// Σ_i σ(−w_{i,j}) = 0, so every entry is ≥ 0 (the paper's own proof says so) — negative α are not
/// minima (a test checks that their loss is positive). The paper takes x ~ Unif(S^{d−1}); because
/// both f and f* are positively homogeneous of degree 1, f = f* on the sphere iff f = f* on ℝ^d, so
/// the zero-loss set is the same for Gaussian inputs.
///
/// A minimum is stored as one type per student neuron (0 for S_0, j ∈ 1…M for S_j) and its positive
/// scale α_i (0 for dead neurons); row i of W is α_i e_{type(i)}.
///
/// **In Orbit** the student is `mlp:d-m-1:relu:nobias`: `layers.0.weight` (m×d) is W and the output
/// row `layers.2.weight` (1×m) is fixed to all ones, which is the paper's student exactly
/// (f(x) = 1ᵀσ(Wx)). ``parameters(_:)`` writes that vector; ``init(parameters:teacherWidth:tolerance:)``
/// reads one back and checks the Theorem 6 conditions.
public struct TeacherStudentMinimum: Sendable, Hashable {
    /// M, the number of teacher neurons.
    public let teacherWidth: Int
    /// d ≥ M, the input dimension.
    public let inputDimension: Int
    /// The type of each student neuron: 0 (dead, S_0) or j ∈ 1…M (a positive multiple of e_j).
    public let types: [Int]
    /// α_i > 0 for live neurons, 0 for dead ones; per direction j they sum to 1.
    public let scales: [Double]

    /// m, the student width.
    public var studentWidth: Int { types.count }

    /// Validates the Theorem 6 conditions (column sums within `tolerance`). O(m).
    public init(
        teacherWidth: Int, inputDimension: Int, types: [Int], scales: [Double], tolerance: Double = 1e-9
    ) throws(ConstructionError) {
        guard teacherWidth >= 1, inputDimension >= teacherWidth else {
            throw .invalidSetting("need 1 ≤ M ≤ d, got M = \(teacherWidth), d = \(inputDimension)")
        }
        guard types.count == scales.count else {
            throw .shapeMismatch(tensor: "scales", expected: "[\(types.count)]", got: "[\(scales.count)]")
        }
        guard types.count >= teacherWidth else {
            throw .invalidSetting("Theorem 6 needs m ≥ M, got m = \(types.count), M = \(teacherWidth)")
        }
        var sums = [Double](repeating: 0, count: teacherWidth + 1)
        for (i, (type, scale)) in zip(types, scales).enumerated() {
            guard type >= 0 && type <= teacherWidth else {
                throw .notAMinimum("neuron \(i) has type \(type) outside 0…\(teacherWidth)")
            }
            if type == 0 {
                guard scale == 0 else { throw .notAMinimum("dead neuron \(i) has scale \(scale)") }
            } else {
                guard scale > 0, scale.isFinite else {
                    throw .notAMinimum("neuron \(i) of type \(type) has scale \(scale); Theorem 6 needs α > 0")
                }
                sums[type] += scale
            }
        }
        for j in 1...teacherWidth where abs(sums[j] - 1) > tolerance {
            throw .notAMinimum("teacher direction \(j) has total weight \(sums[j]), Theorem 6 needs 1")
        }
        self.teacherWidth = teacherWidth
        self.inputDimension = inputDimension
        self.types = types
        self.scales = scales
    }

    /// The student network `mlp:d-m-1:relu:nobias` (W is `layers.0.weight`, the output row of ones
    /// `layers.2.weight`).
    public static func network(inputDimension d: Int, studentWidth m: Int) -> Network {
        // Positive sizes and a fixed shape cannot fail validation.
        try! Network(
            inputSize: d,
            blocks: [
                .dense(DenseLayer(outputs: m, bias: false, activation: .relu)),
                .dense(DenseLayer(outputs: 1, bias: false)),
            ])
    }

    /// This minimum's network (see ``network(inputDimension:studentWidth:)``).
    public var network: Network { Self.network(inputDimension: inputDimension, studentWidth: studentWidth) }

    /// W (m×d): row i is α_i e_{type(i)}.
    public var weightMatrix: Matrix<Double> {
        var w = Matrix<Double>(rows: studentWidth, columns: inputDimension)
        for i in 0..<studentWidth where types[i] > 0 { w[i, types[i] - 1] = scales[i] }
        return w
    }

    /// The Orbit parameter vector of this minimum (W, then the output row of ones). O(m·d).
    public func parameters<Scalar: BLASScalar>(_: Scalar.Type = Double.self) -> ParameterVector<Scalar> {
        let layout = network.layout
        var theta = ParameterVector<Scalar>(layout: layout)
        theta.setTensor(layout.tensors[0].name, to: weightMatrix.converted(to: Scalar.self))
        theta.setTensor(layout.tensors[1].name, to: Matrix(rows: 1, columns: studentWidth, repeating: 1))
        return theta
    }

    /// Reads a student `mlp:d-m-1:relu:nobias` parameter vector back and checks Theorem 6: the output
    /// row must be all ones (the paper's student), every row of W a non-negative multiple of one
    /// e_j with j ≤ M (entries with |w| ≤ `tolerance` count as zero), column sums 1. O(m·d).
    public init<Scalar: BLASScalar>(
        parameters: ParameterVector<Scalar>, teacherWidth: Int, tolerance: Double = 1e-9
    ) throws(ConstructionError) {
        let tensors = parameters.layout.tensors
        guard tensors.count == 2, tensors[0].shape.count == 2, tensors[1].shape.count == 2,
            tensors[1].shape[0] == 1, tensors[1].shape[1] == tensors[0].shape[0]
        else {
            throw .shapeMismatch(
                tensor: "layout", expected: "[m, d] weight and [1, m] output row (mlp:d-m-1:relu:nobias)",
                got: tensors.map { "\($0.name)\($0.shapeDescription)" }.joined(separator: ", "))
        }
        let w = parameters.tensor(tensors[0].name)!.converted(to: Double.self)
        let a = parameters.tensor(tensors[1].name)!.converted(to: Double.self)
        var types: [Int] = []
        var scales: [Double] = []
        for i in 0..<w.rows {
            guard abs(a[0, i] - 1) <= tolerance else {
                throw .notAMinimum("output weight \(i) of \(tensors[1].name) is \(a[0, i]); the paper's student has 1")
            }
            var type = 0
            var scale = 0.0
            for j in 0..<w.columns where abs(w[i, j]) > tolerance {
                guard type == 0, j < teacherWidth, w[i, j] > 0 else {
                    throw .notAMinimum(
                        "row \(i) of \(tensors[0].name) is not in S_0 ∪ … ∪ S_M (entry [\(i), \(j)] = \(w[i, j]))")
                }
                type = j + 1
                scale = w[i, j]
            }
            types.append(type)
            scales.append(scale)
        }
        try self.init(
            teacherWidth: teacherWidth, inputDimension: w.columns, types: types, scales: scales,
            tolerance: tolerance * Double(max(w.rows, 1)))
    }

    /// The minimum with neuron `i` on direction `type` at scale 1 for each (i, type) in `assignment`
    /// and every other neuron dead (the centres of Theorems 8–11).
    static func sparse(
        teacherWidth: Int, inputDimension: Int, studentWidth: Int, assignment: [(neuron: Int, type: Int)]
    ) throws(ConstructionError) -> TeacherStudentMinimum {
        var types = [Int](repeating: 0, count: studentWidth)
        var scales = [Double](repeating: 0, count: studentWidth)
        for (i, j) in assignment {
            types[i] = j
            scales[i] = 1
        }
        return try TeacherStudentMinimum(
            teacherWidth: teacherWidth, inputDimension: inputDimension, types: types, scales: scales)
    }

    /// The sparse centre that gives each teacher direction j its preferred neuron `preferred[j]`, or
    /// else the next neuron of `free` (dead in every foot), in order; nil when the free neurons run
    /// out (no centre of this form exists).
    static func sparseCentre(
        teacherWidth: Int, inputDimension: Int, studentWidth: Int, preferred: [Int?], free: [Int]
    ) throws(ConstructionError) -> TeacherStudentMinimum? {
        var assignment: [(neuron: Int, type: Int)] = []
        var nextFree = 0
        for j in 1...teacherWidth {
            if let i = preferred[j] {
                assignment.append((i, j))
            } else if nextFree < free.count {
                assignment.append((free[nextFree], j))
                nextFree += 1
            } else {
                return nil
            }
        }
        return try .sparse(
            teacherWidth: teacherWidth, inputDimension: inputDimension, studentWidth: studentWidth,
            assignment: assignment)
    }
}
