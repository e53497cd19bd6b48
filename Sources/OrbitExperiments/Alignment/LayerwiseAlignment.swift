import Foundation
import OrbitData
import OrbitNetworks
import OrbitNumerics

/// Ferbach et al.'s layer-by-layer alignment of B's hidden units onto A's for a plain MLP (a chain
/// of dense layers; docs/math/alignment.md §4, the costs of the authors' notebook [C], §6 table):
///
/// * `.weights` — "naive WM": maximise Σ_j ⟨w^A_j, w̃^B_π(j)⟩ over incoming weight rows, where
///   W̃^B_ℓ = W^B_ℓ P_{ℓ−1}ᵀ has its input side already permuted (≡ min Σ ||w^A_j − w̃^B_π(j)||²
///   when rows have equal norms; biases move with their rows but are not in the cost);
/// * `.sigmaWeights` — "WM (ours)": maximise Σ_j w^A_j Σ^A_{ℓ−1} w̃^B_π(j)ᵀ with
///   Σ^A_{ℓ−1} = E[h^A_{ℓ−1} h^A_{ℓ−1}ᵀ] the uncentred second moment of A's layer input (Σ_0 from x);
/// * `.activations` — "AM": maximise the centred cross-covariance Σ_j Cov(h^A_{ℓ,j}, h^B_{ℓ,π(j)})
///   of post-activation hidden units;
/// * `.squaredDistance` — the theory's OT step (§2.4): min Σ_j ||w^A_j − w̃^B_π(j)||² exactly
///   (Lemma B.3 turns the W₂ coupling into this assignment).
///
/// One forward pass over the hidden layers: each layer's cost depends only on the permutation of
/// the layer below, so the notebook's 10 random-order passes reach the same fixed point. Each
/// layer is one `LinearAssignment` (O(m³)) plus one GEMM for its cost.
public struct LayerwiseAlignment: Sendable {
    public enum Cost: String, Sendable, CaseIterable, Codable {
        case weights = "weight-matching"
        case sigmaWeights = "sigma-weight-matching"
        case activations = "activation-matching"
        case squaredDistance = "ot-squared-distance"
    }

    public var network: Network
    public var cost: Cost

    public init(network: Network, cost: Cost) {
        self.network = network
        self.cost = cost
    }

    /// The dense layers' tensor names (weight, optional bias), in order; nil unless the network is
    /// a chain of dense layers.
    public static func denseTensors(_ network: Network) -> [(weight: String, bias: String?)]? {
        guard network.isDenseChain else { return nil }
        for block in network.blocks {
            if case .residual = block { return nil }
        }
        let names = network.layout.tensors.map(\.name)
        return names.filter { $0.hasSuffix(".weight") }.map { w in
            let b = String(w.dropLast(".weight".count)) + ".bias"
            return (w, names.contains(b) ? b : nil)
        }
    }

    /// The post-activation outputs h_ℓ of every hidden layer (n × m_ℓ, Double) for the rows of
    /// `inputs`; h_0 = x is element 0. O(n Σ m_ℓ m_{ℓ−1}).
    public static func hiddenActivations(
        network: Network, parameters theta: ParameterVector<Float>, inputs: Matrix<Float>
    ) -> [Matrix<Double>] {
        guard let tensors = denseTensors(network) else { preconditionFailure("not a dense chain") }
        let layers = network.denseLayers
        var h = inputs.converted(to: Double.self)
        var result = [h]
        for (k, names) in tensors.enumerated().dropLast() {
            let w = theta.tensor(names.weight)!.converted(to: Double.self)
            var z = Matrix.product(h, w, transposeB: .transposed)
            let bias = names.bias.map { theta.tensor($0)!.flat.map(Double.init) }
            let activation = layers[k].activation
            let (rows, columns) = (z.rows, z.columns)
            z.withUnsafeMutableBufferPointer { p in
                for i in 0..<rows {
                    for j in 0..<columns {
                        p[i * columns + j] = activation(p[i * columns + j] + (bias?[j] ?? 0))
                    }
                }
            }
            h = z
            result.append(h)
        }
        return result
    }

    /// Σ = HᵀH / n, the uncentred second moment of the rows of H.
    public static func secondMoment(_ h: Matrix<Double>) -> Matrix<Double> {
        var s = Matrix.product(h, h, transposeA: .transposed)
        let n = Double(max(h.rows, 1))
        s.mapInPlace { $0 / n }
        return s
    }

    /// The centred cross-covariance (H_A − mean)ᵀ(H_B − mean) / n.
    public static func crossCovariance(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Matrix<Double> {
        func centred(_ h: Matrix<Double>) -> Matrix<Double> {
            var c = h
            let n = h.rows, m = h.columns
            c.withUnsafeMutableBufferPointer { p in
                for j in 0..<m {
                    var mean = 0.0
                    for i in 0..<n { mean += p[i * m + j] }
                    mean /= Double(max(n, 1))
                    for i in 0..<n { p[i * m + j] -= mean }
                }
            }
            return c
        }
        var s = Matrix.product(centred(a), centred(b), transposeA: .transposed)
        let n = Double(max(a.rows, 1))
        s.mapInPlace { $0 / n }
        return s
    }

    /// The permutations (one per hidden layer; π[j] = B's unit placed at A's position j) aligning B
    /// onto A. `inputs` (rows of x) are needed by `.sigmaWeights` and `.activations`.
    public func permutations(
        _ a: ParameterVector<Float>, _ b: ParameterVector<Float>, inputs: Matrix<Float>? = nil
    ) throws -> [[Int]] {
        guard let tensors = Self.denseTensors(network) else {
            throw SweepError.badConfiguration("layer-wise alignment needs a chain of dense layers")
        }
        var hA: [Matrix<Double>] = []
        var hB: [Matrix<Double>] = []
        if cost == .sigmaWeights || cost == .activations {
            guard let inputs else { throw SweepError.badConfiguration("\(cost.rawValue) needs input samples") }
            hA = Self.hiddenActivations(network: network, parameters: a, inputs: inputs)
            if cost == .activations { hB = Self.hiddenActivations(network: network, parameters: b, inputs: inputs) }
        }
        var result: [[Int]] = []
        var previous: [Int]?
        for (k, names) in tensors.enumerated().dropLast() {
            let wa = a.tensor(names.weight)!.converted(to: Double.self)
            var wb = b.tensor(names.weight)!.converted(to: Double.self)
            if let previous { wb = Self.permutedColumns(wb, previous) }
            let pi: [Int]
            switch cost {
            case .weights:
                pi = try LinearAssignment.solve(
                    Matrix.product(wa, wb, transposeB: .transposed), objective: .maximize
                ).permutation
            case .sigmaWeights:
                let sigma = Self.secondMoment(hA[k])
                pi = try LinearAssignment.solve(
                    Matrix.product(wa * sigma, wb, transposeB: .transposed), objective: .maximize
                ).permutation
            case .activations:
                pi = try LinearAssignment.solve(Self.crossCovariance(hA[k + 1], hB[k + 1]), objective: .maximize)
                    .permutation
            case .squaredDistance:
                pi = try NeuronTransport.assignmentCost(wa, wb).permutation
            }
            result.append(pi)
            previous = pi
        }
        return result
    }

    /// B with its hidden units permuted: W_ℓ ← W_ℓ[π_ℓ, π_{ℓ−1}], b_ℓ ← b_ℓ[π_ℓ] (the function is
    /// unchanged for any elementwise activation).
    public func apply(_ permutations: [[Int]], to b: ParameterVector<Float>) -> ParameterVector<Float> {
        guard let tensors = Self.denseTensors(network) else { preconditionFailure("not a dense chain") }
        var out = b
        for (k, names) in tensors.enumerated() {
            var w = b.tensor(names.weight)!
            if k < permutations.count { w = Self.permutedRows(w, permutations[k]) }
            if k > 0 { w = Self.permutedColumns(w, permutations[k - 1]) }
            out.setTensor(names.weight, to: w)
            if let bias = names.bias, k < permutations.count {
                let v = b.tensor(bias)!
                let flat = v.flat
                out.setTensor(
                    bias, to: Matrix(rows: v.rows, columns: v.columns, flat: permutations[k].map { flat[$0] }))
            }
        }
        return out
    }

    /// Rows of `w` reordered: row j of the result is row π[j] of `w`.
    public static func permutedRows<S: BLASScalar>(_ w: Matrix<S>, _ pi: [Int]) -> Matrix<S> {
        Matrix(rows: w.rows, columns: w.columns) { out in
            w.withUnsafeBufferPointer { p in
                for j in 0..<w.rows {
                    for c in 0..<w.columns { out[j * w.columns + c] = p[pi[j] * w.columns + c] }
                }
            }
        }
    }

    /// Columns of `w` reordered: column j of the result is column π[j] of `w`.
    public static func permutedColumns<S: BLASScalar>(_ w: Matrix<S>, _ pi: [Int]) -> Matrix<S> {
        Matrix(rows: w.rows, columns: w.columns) { out in
            w.withUnsafeBufferPointer { p in
                for r in 0..<w.rows {
                    for j in 0..<w.columns { out[r * w.columns + j] = p[r * w.columns + pi[j]] }
                }
            }
        }
    }
}
