import OrbitNetworks
import OrbitNumerics

/// The approximate GL(h) action on a two-layer nonlinear network f(x) = U·σ(V·x + b) + c
/// (Zhao, Dehmamy, Walters, Yu, ICML 2025, §6, Prop 6.1; docs/math/symmetry.md §6, provenance [S] for the
/// statement, [R] for the projection argument below). For data X (n samples) and g ∈ GL(h):
///
///     g·(U, V) = (U·σ(VX)·σ(gVX)⁺, g·V),   b → g·b,   c unchanged,
///
/// with ⁺ the Moore–Penrose pseudo-inverse (formed from LAPACK's SVD, never by hand). Writing
/// A = σ(VX), B = σ(gVX) (h × n), the new hidden-to-output map reproduces U·A projected on B's row
/// space: U′B = U·A·B⁺B, so the output change is ‖UA(I − B⁺B)‖ ≤ ‖UA‖ (B⁺B is an orthogonal
/// projection) — the bound of Prop 6.1 — and it is exactly zero when B has full column rank n,
/// which for generic data means n ≤ h. The biases are our extension: V·x + b → g(V·x + b) is the
/// same map as the paper's on the augmented input (x, 1); the output bias c cancels in the
/// deviation. Unlike the exact actions this one depends on X, so it is a symmetry of the loss on
/// that data only (exactly when n ≤ h, approximately otherwise).
///
/// Samples are rows here (X is n × d, the hidden activations H = σ(X·Vᵀ + b) are n × h = Aᵀ).
/// Cost: two forward passes of the hidden layer (O(n·d·h)), one SVD of the n × h matrix
/// (O(n·h·min(n, h))) and O(o·n·h) products, o outputs.
public struct ApproximateGeneralLinearAction: SymmetryAction, Sendable {
    public let network: Network
    /// g ∈ GL(h), acting on the hidden layer.
    public let element: Matrix<Double>
    /// The data X (n × d, one sample per row) on which the action is defined.
    public let inputs: Matrix<Double>
    let structure: DenseChainStructure

    /// Validates that `network` has exactly two dense layers, identity output activation, g of
    /// shape h × h and invertible, and `inputs` with d columns.
    public init(network: Network, element: Matrix<Double>, inputs: Matrix<Double>) throws(SymmetryError) {
        let structure = try DenseChainStructure(network)
        guard structure.layers.count == 2 else {
            throw .unsupportedNetwork(
                reason:
                    "the approximate GL action (Prop 6.1) needs a two-layer network U·σ(V·x), found \(structure.layers.count) layers"
            )
        }
        guard structure.layers[1].activation == .identity else {
            throw .unsupportedNetwork(reason: "the output layer must have the identity activation")
        }
        let h = structure.layers[0].outputs
        guard element.rows == h, element.columns == h else {
            throw .groupElementShape(layer: 1, expected: "\(h)×\(h)", found: element.shapeDescription)
        }
        let lu: LUDecomposition<Double>
        do { lu = try LUDecomposition(element) } catch { throw .numerics(error) }
        guard lu.zeroPivot == nil else { throw .invalidGroupElement(layer: 1, reason: "g is singular") }
        guard inputs.columns == network.inputSize else {
            throw .groupElementShape(
                layer: 1, expected: "inputs with \(network.inputSize) columns", found: inputs.shapeDescription)
        }
        self.network = network
        self.element = element
        self.inputs = inputs
        self.structure = structure
    }

    /// The hidden activations H = σ(X·Vᵀ + b) (n × h) for hidden weights V and bias b.
    func hidden(_ v: Matrix<Double>, bias: Matrix<Double>?) -> Matrix<Double> {
        var z = Matrix.product(inputs, v, transposeB: .transposed)
        let activation = structure.layers[0].activation
        let h = z.columns
        z.withUnsafeMutableBufferPointer { p in
            for i in 0..<inputs.rows {
                for j in 0..<h {
                    let pre = p[i * h + j] + (bias.map { $0[0, j] } ?? 0)
                    p[i * h + j] = activation(pre)
                }
            }
        }
        return z
    }

    /// (U, V, b, H = σ(XVᵀ + b)) of θ.
    func parts(_ theta: ParameterVector<Double>) throws(SymmetryError) -> (
        u: Matrix<Double>, v: Matrix<Double>, bias: Matrix<Double>?, hidden: Matrix<Double>
    ) {
        try DenseChainStructure.requireLayout(network, theta.layout)
        let v = theta.tensor(structure.layers[0].weight)!
        let bias = structure.layers[0].bias.map { theta.tensor($0)! }
        let u = theta.tensor(structure.layers[1].weight)!
        return (u, v, bias, hidden(v, bias: bias))
    }

    public func act(on theta: ParameterVector<Double>) throws(SymmetryError) -> ParameterVector<Double> {
        let (u, v, bias, a) = try parts(theta)
        let gv = element * v
        let gb = bias.map { Matrix.product($0, element, transposeB: .transposed) }
        let b = hidden(gv, bias: gb)
        // Rows are samples: U′ = U·Hᵀ·(H′ᵀ)⁺ with (H′ᵀ)⁺ = U_s·Σ⁺·V_sᵀ for H′ = U_s·Σ·V_sᵀ.
        let svd: SingularValueDecomposition<Double>
        do { svd = try SingularValueDecomposition(b) } catch { throw .numerics(error) }
        var left = Matrix.product(u, a, transposeB: .transposed) * svd.u  // o × k
        let cutoff = Self.rankCutoff(svd.singularValues, rows: b.rows, columns: b.columns)
        for j in 0..<left.columns {
            let s = svd.singularValues[j]
            let inverse = s > cutoff ? 1 / s : 0
            for i in 0..<left.rows { left[i, j] *= inverse }
        }
        var out = theta
        out.setTensor(structure.layers[0].weight, to: gv)
        if let name = structure.layers[0].bias, let gb { out.setTensor(name, to: gb) }
        out.setTensor(structure.layers[1].weight, to: left * svd.vt)
        return out
    }

    /// Singular values at or below max(n, h)·ε·σ₁ count as zero (LAPACK's and numpy's default rank rule).
    static func rankCutoff(_ values: [Double], rows: Int, columns: Int) -> Double {
        Double(max(rows, columns)) * Double.ulpOfOne * (values.first ?? 0)
    }

    /// The numerical rank of σ(gVX): the output change is zero when it equals n.
    public func hiddenRank(_ theta: ParameterVector<Double>) throws(SymmetryError) -> Int {
        let (_, v, bias, _) = try parts(theta)
        let b = hidden(element * v, bias: bias.map { Matrix.product($0, element, transposeB: .transposed) })
        let values: [Double]
        do { values = try SingularValueDecomposition(b).singularValues } catch { throw .numerics(error) }
        let cutoff = Self.rankCutoff(values, rows: b.rows, columns: b.columns)
        return values.filter { $0 > cutoff }.count
    }

    /// Prop 6.1's ratio ‖Uσ(VX) − U′σ(V′X)‖_F / ‖Uσ(VX)‖_F for (U′, V′) = g·(U, V) on this action's X:
    /// ≤ 1 always, 0 (to rounding) when σ(gVX) has rank n. Returns 0 when Uσ(VX) = 0.
    /// Cost: that of ``act(on:)`` plus two hidden-layer passes.
    public func outputDeviationRatio(_ theta: ParameterVector<Double>) throws(SymmetryError) -> Double {
        let acted = try act(on: theta)
        let (u, _, _, a) = try parts(theta)
        let (u2, _, _, b) = try parts(acted)
        let before = Matrix.product(a, u, transposeB: .transposed)
        let after = Matrix.product(b, u2, transposeB: .transposed)
        let scale = before.frobeniusNorm
        return scale > 0 ? (after - before).frobeniusNorm / scale : 0
    }
}
