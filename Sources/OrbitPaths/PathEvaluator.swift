import OrbitData
import OrbitNetworks
import OrbitNumerics
import OrbitTraining

/// Loss and accuracy along paths, on every split of a data set, at a grid of t.
///
/// The data is streamed once per path: each batch is loaded once and every t is evaluated on it.
/// For an affine path θ(t) = Σ c_i(t)·P_i the first layer's pre-activations are affine in t too,
/// X·W₁(t)ᵀ = Σ c_i(t)·(X·W₁,ᵢᵀ), so each batch costs one first-layer GEMM per control point
/// instead of one per t; only the cheaper later layers run per t, and Σ c_i(t)·H_i, the bias and σ
/// are one pass. The first layer of a 784-512-512-512-10 MLP holds 43% of its flops, so a 25-point
/// line costs 60% of the naive evaluation. The rows are split across the cores and the sums reduced
/// by ``EvaluationParts`` (one workspace with single-threaded BLAS per part), and the metrics follow
/// ``SplitMetrics``'s accuracy rule, as ``Network/evaluate(_:on:loss:batchSize:)`` does: at a point
/// θ_j the fused pass gives the metrics of evaluating θ_j directly up to rounding, and bit for bit at
/// the end points of a line (coefficients 1 and 0, exact as long as the other end's first-layer
/// products are finite). Other paths (``ParameterPath``) run one full forward pass per t.
public struct PathEvaluator: Sendable {
    public let network: Network
    public var batchSize: Int
    /// nil picks the targets' default (cross-entropy for classes, squared error for values).
    public var loss: LossFunction?
    /// How BatchNorm's running statistics are set at each point (ignored without BatchNorm).
    public var batchNorm: BatchNormHandling
    /// The rows a BatchNorm reset recomputes the statistics on (the data set's train split when
    /// nil and a data set is given).
    public var statisticsSplit: DataSplit?

    public init(
        network: Network, batchSize: Int = 1000, loss: LossFunction? = nil, batchNorm: BatchNormHandling = .reset,
        statisticsSplit: DataSplit? = nil
    ) {
        self.network = network
        self.batchSize = batchSize
        self.loss = loss
        self.batchNorm = batchNorm
        self.statisticsSplit = statisticsSplit
    }

    /// Whether points get their BatchNorm statistics recomputed.
    public var resetsBatchNorm: Bool { batchNorm == .reset && network.plan.hasBatchNorm }

    /// The profile of an affine path, fused as described above.
    @_specialize(exported:true,where Scalar == Float)
    @_specialize(exported:true,where Scalar == Double)
    public func profile<Scalar: BLASScalar>(
        _ path: AffinePath<Scalar>, on dataset: Dataset, t: [Double], name: String
    ) throws -> PathProfile {
        try network.layout.requireMatches(path.layout)
        let named = dataset.splits
        var evaluator = self
        if evaluator.statisticsSplit == nil { evaluator.statisticsSplit = dataset.train }
        let measured = evaluator.metrics(
            controlPoints: path.controlPoints, coefficients: t.map { path.coefficients(at: $0) },
            on: named.map(\.1))
        var splits: [String: [SplitMetrics]] = [:]
        for (k, (splitName, _)) in named.enumerated() { splits[splitName] = measured[k] }
        return PathProfile(
            name: name, kind: path.kindDescription, t: t, splits: splits, length: path.length(),
            chordLength: path.chordLength)
    }

    /// The profile of any path: one full evaluation per t (the reference the fused evaluator is
    /// tested against, and the route for non-affine paths).
    public func profile<Path: ParameterPath>(
        naive path: Path, on dataset: Dataset, t: [Double], name: String
    ) throws -> PathProfile {
        try network.layout.requireMatches(path.layout)
        var splits: [String: [SplitMetrics]] = [:]
        var points = t.map { path.point(at: $0) }
        if resetsBatchNorm {
            network.resetBatchNormStatistics(&points, on: statisticsSplit ?? dataset.train, batchSize: batchSize)
        }
        for (splitName, split) in dataset.splits {
            splits[splitName] = points.map {
                network.evaluate($0, on: split, loss: loss, batchSize: batchSize)
            }
        }
        return PathProfile(name: name, kind: path.kindDescription, t: t, splits: splits, length: nil, chordLength: nil)
    }

    /// Loss and accuracy at the points θ_j = Σ_i coefficients[j][i]·P_i, fused as described above.
    /// Points are processed in chunks of `chunk` (each chunk holds its θ_j in memory and streams the
    /// data once), so a 21×21 plane of a large network does not hold 441 copies of θ.
    @_specialize(exported:true,where Scalar == Float)
    @_specialize(exported:true,where Scalar == Double)
    public func metrics<Scalar: BLASScalar>(
        controlPoints: [ParameterVector<Scalar>], coefficients: [[Double]], on split: DataSplit, chunk: Int = 32
    ) -> [SplitMetrics] {
        metrics(controlPoints: controlPoints, coefficients: coefficients, on: [split], chunk: chunk)[0]
    }

    /// As above on several splits, each point formed once for all of them; one array per split.
    func metrics<Scalar: BLASScalar>(
        controlPoints: [ParameterVector<Scalar>], coefficients: [[Double]], on splits: [DataSplit], chunk: Int = 32
    ) -> [[SplitMetrics]] {
        var result = [[SplitMetrics]](repeating: [], count: splits.count)
        var lower = 0
        while lower < coefficients.count {
            let upper = Swift.min(lower + chunk, coefficients.count)
            let chunkCoefficients = coefficients[lower..<upper].map { $0.map { Scalar($0) } }
            var points = chunkCoefficients.map { ParameterVector.combination($0, controlPoints) }
            if resetsBatchNorm {
                precondition(statisticsSplit != nil, "a BatchNorm reset needs the rows to recompute statistics on")
                network.resetBatchNormStatistics(&points, on: statisticsSplit!, batchSize: batchSize)
            }
            for (k, split) in splits.enumerated() {
                result[k] += chunkMetrics(
                    controlPoints: controlPoints, points: points, coefficients: chunkCoefficients, on: split)
            }
            lower = upper
        }
        return result
    }

    func chunkMetrics<Scalar: BLASScalar>(
        controlPoints: [ParameterVector<Scalar>], points: [ParameterVector<Scalar>], coefficients: [[Scalar]],
        on split: DataSplit
    ) -> [SplitMetrics] {
        let sums = EvaluationParts.sums(rows: split.count, points: points.count) { rows, sums in
            accumulate(
                controlPoints: controlPoints, points: points, coefficients: coefficients, on: split, rows: rows,
                into: &sums)
        }
        return sums.map { SplitMetrics($0, over: split) }
    }

    /// Adds Σ ℓ and the number of correct predictions at every point over `rows` to `sums[j]`, in
    /// batches: per batch, one first-layer GEMM per control point, then the later layers per point.
    /// The workspace, loader and first-layer products are allocated once; nothing per batch.
    func accumulate<Scalar: BLASScalar>(
        controlPoints: [ParameterVector<Scalar>], points: [ParameterVector<Scalar>], coefficients: [[Scalar]],
        on split: DataSplit, rows: Range<Int>, into sums: inout [MetricSums]
    ) {
        guard !rows.isEmpty else { return }
        let lossFunction = loss ?? split.targets.defaultLoss
        let capacity = Swift.max(1, Swift.min(batchSize, rows.count))
        let workspace = NetworkWorkspace<Scalar>(network: network, capacity: capacity, inference: true)
        let loader = BatchLoader<Scalar>(split: split, capacity: capacity)
        guard workspace.supportsFirstLayerCombination else {
            // A graph whose first step is not a Linear layer: one full forward pass per point.
            var start = rows.lowerBound
            while start < rows.upperBound {
                let end = Swift.min(start + capacity, rows.upperBound)
                loader.load(start..<end)
                for (j, theta) in points.enumerated() {
                    workspace.forward(theta, inputs: loader.inputs)
                    sums[j].add(loader.withTargets { workspace.loss(lossFunction, targets: $0, gradient: false) })
                }
                start = end
            }
            return
        }
        let w1 = workspace.firstLayerWeight
        let hidden = w1.shape[0], inputs = w1.shape[1]
        let k = controlPoints.count
        let products = (0..<k).map { _ in AlignedBuffer<Scalar>(repeating: 0, count: capacity * hidden) }
        let productBases = products.map { UnsafePointer($0.baseAddress) }
        var start = rows.lowerBound
        while start < rows.upperBound {
            let end = Swift.min(start + capacity, rows.upperBound)
            let b = end - start
            loader.load(start..<end)
            for i in 0..<k {
                controlPoints[i].withTensor(w1) { w in
                    gemm(
                        loader.inputs, MatrixView(baseAddress: w.baseAddress, rows: hidden, columns: inputs),
                        into: MutableMatrixView(baseAddress: products[i].baseAddress, rows: b, columns: hidden),
                        transposeB: .transposed)
                }
            }
            for (j, theta) in points.enumerated() {
                workspace.forward(
                    theta, inputs: loader.inputs,
                    firstLayer: FirstLayerCombination(products: productBases, coefficients: coefficients[j]))
                sums[j].add(loader.withTargets { workspace.loss(lossFunction, targets: $0, gradient: false) })
            }
            start = end
        }
        withExtendedLifetime(products) {}
    }
}
