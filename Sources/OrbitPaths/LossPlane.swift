import OrbitData
import OrbitNetworks
import OrbitNumerics
import OrbitTraining

/// The plane through three parameter vectors A, B, C with an orthonormal basis (Gram–Schmidt in
/// Float64): u = (B − A)/‖B − A‖, v = (C − A − ⟨C − A, u⟩u)/‖…‖; θ(x, y) = A + x·u + y·v. A sits at
/// (0, 0), B at (‖B − A‖, 0), C at (⟨C − A, u⟩, ‖C − A − ⟨C − A, u⟩u‖) — the coordinates of
/// Garipov et al.'s plane plots.
public struct PlaneBasis<Scalar: BLASScalar>: Sendable {
    public let origin: ParameterVector<Scalar>
    public let u: ParameterVector<Scalar>
    public let v: ParameterVector<Scalar>
    /// The named points that span the plane and their coordinates.
    public let markers: [(name: String, x: Double, y: Double)]

    /// Throws ``PathError/coincidentPoints(first:second:)`` when A = B and
    /// ``PathError/collinearPoints(_:height:extent:)`` when the three points are (numerically) collinear,
    /// naming them by `names`.
    public init(
        _ a: ParameterVector<Scalar>, _ b: ParameterVector<Scalar>, _ c: ParameterVector<Scalar>,
        names: [String] = ["A", "B", "C"]
    ) throws {
        let a64 = a.converted(to: Double.self), b64 = b.converted(to: Double.self), c64 = c.converted(to: Double.self)
        let ab = b64 - a64, ac = c64 - a64
        let length = ab.norm
        guard length > 0 else { throw PathError.coincidentPoints(first: names[0], second: names[1]) }
        let u = (1 / length) * ab
        let along = ac.dot(u)
        let normal = ac - along * u
        let height = normal.norm
        let extent = max(length, ac.norm)
        guard height > 1e-9 * extent else {
            throw PathError.collinearPoints(Array(names.prefix(3)), height: height, extent: extent)
        }
        origin = a
        self.u = u.converted(to: Scalar.self)
        self.v = ((1 / height) * normal).converted(to: Scalar.self)
        markers = [(names[0], 0, 0), (names[1], length, 0), (names[2], along, height)]
    }

    /// θ(x, y) = A + x·u + y·v.
    public func point(x: Double, y: Double) -> ParameterVector<Scalar> {
        ParameterVector.combination([1, Scalar(x), Scalar(y)], [origin, u, v])
    }

    /// An n × n grid covering the markers with `margin` × their extent on every side.
    public func grid(points n: Int, margin: Double = 0.2) -> (x: [Double], y: [Double]) {
        func axis(_ values: [Double]) -> [Double] {
            let lo = values.min()!, hi = values.max()!
            let pad = margin * max(hi - lo, 1e-12)
            return (0..<n).map { lo - pad + (hi - lo + 2 * pad) * Double($0) / Double(n - 1) }
        }
        return (axis(markers.map(\.x)), axis(markers.map(\.y)))
    }
}

/// Loss and accuracy on a grid of a plane (or a line: one y) of parameter space.
public struct LossSurface: Sendable, Codable {
    public var x: [Double]
    public var y: [Double]
    /// metrics[split][iy][ix].
    public var splits: [String: [[SplitMetrics]]]
    public var markers: [Marker]

    public struct Marker: Sendable, Codable, Hashable {
        public var name: String
        public var x: Double
        public var y: Double

        public init(name: String, x: Double, y: Double) {
            self.name = name
            self.x = x
            self.y = y
        }
    }
}

extension PathEvaluator {
    /// The loss surface θ(x, y) = origin + x·u + y·v over the grid x × y, on every split. Affine in
    /// (origin, u, v), so the fused evaluator applies: three first-layer GEMMs per batch per chunk
    /// of grid points.
    public func surface<Scalar: BLASScalar>(
        origin: ParameterVector<Scalar>, u: ParameterVector<Scalar>, v: ParameterVector<Scalar>?, x: [Double],
        y: [Double],
        on dataset: Dataset, markers: [LossSurface.Marker] = []
    ) throws -> LossSurface {
        try network.layout.requireMatches(origin.layout)
        let controlPoints = [origin, u] + (v.map { [$0] } ?? [])
        var coefficients: [[Double]] = []
        for yj in y { for xi in x { coefficients.append(v == nil ? [1, xi] : [1, xi, yj]) } }
        var splits: [String: [[SplitMetrics]]] = [:]
        var evaluator = self
        if evaluator.statisticsSplit == nil { evaluator.statisticsSplit = dataset.train }
        let named = dataset.splits
        let measured = evaluator.metrics(controlPoints: controlPoints, coefficients: coefficients, on: named.map(\.1))
        for ((name, _), flat) in zip(named, measured) {
            splits[name] = (0..<y.count).map { j in Array(flat[(j * x.count)..<((j + 1) * x.count)]) }
        }
        return LossSurface(x: x, y: y, splits: splits, markers: markers)
    }

    /// The loss surface on the plane through A, B, C (`basis`) over an n × n grid.
    public func plane<Scalar: BLASScalar>(
        _ basis: PlaneBasis<Scalar>, points n: Int, on dataset: Dataset, margin: Double = 0.2
    ) throws -> LossSurface {
        let (x, y) = basis.grid(points: n, margin: margin)
        return try surface(
            origin: basis.origin, u: basis.u, v: basis.v, x: x, y: y, on: dataset,
            markers: basis.markers.map { LossSurface.Marker(name: $0.name, x: $0.x, y: $0.y) })
    }
}

extension Network {
    /// A random direction in parameter space, filter-normalised around θ (Li et al. 2018, "Visualizing
    /// the loss landscape of neural nets"): Gaussian, then each row of every weight matrix (one
    /// neuron's incoming weights — a "filter" of a dense layer; a convolution's (C, kH, kW) filter of
    /// one output channel) rescaled to the norm of the same row of θ; bias, normalisation and buffer
    /// directions are zero, as Li et al. do for biases and BatchNorm parameters.
    public func filterNormalizedDirection<Scalar: BLASScalar>(around theta: ParameterVector<Scalar>, seed: UInt64)
        -> ParameterVector<Scalar>
    {
        var generator = SeededGenerator(seed: seed)
        var direction = ParameterVector<Scalar>(layout: layout)
        let filters = Set(
            nodes.compactMap { node -> String? in
                switch node.layer {
                case .linear, .conv2d: return node.name + ".weight"
                default: return nil
                }
            })
        for spec in layout.tensors where filters.contains(spec.name) {
            let w = theta.tensor(spec.name)!
            var d = Matrix<Scalar>.normal(rows: w.rows, columns: w.columns, generator: &generator)
            for i in 0..<w.rows {
                var wn = 0.0, dn = 0.0
                for j in 0..<w.columns {
                    wn += Double(w[i, j]) * Double(w[i, j])
                    dn += Double(d[i, j]) * Double(d[i, j])
                }
                let scale = dn > 0 ? (wn / dn).squareRoot() : 0
                for j in 0..<w.columns { d[i, j] = Scalar(Double(d[i, j]) * scale) }
            }
            direction.setTensor(spec.name, to: d)
        }
        return direction
    }
}
