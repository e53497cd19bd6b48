import Dispatch
import OrbitData
import OrbitNetworks
import OrbitNumerics
import OrbitTraining

/// The Hessian H = ∇²L(θ) of the mean loss L = (1/n)·Σ_i ℓ_i over a fixed sample set, as an operator
/// v ↦ H·v (exact, by the R-operator of ``HessianVectorWorkspace`` for dense chains and of
/// ``GraphHessianVectorWorkspace`` for every other layer graph; docs/math/curvature.md §1, §7).
/// H is taken with respect to the parameters: buffers (BatchNorm's running statistics) are constants,
/// BatchNorm runs in evaluation mode (``batchNormHandling``), and every product is zero on buffers.
///
/// The n rows are cut into one contiguous part per core, as the evaluator does (``EvaluationParts``);
/// each part streams its rows in batches through its own workspace and loader with single-threaded
/// BLAS, accumulating its share of H·v, and the parts' products are added in part order — so the
/// result is deterministic for a given thread count. Everything is allocated once, in `init`; an
/// application allocates only the returned vector.
///
/// H is applied at one θ many times (Lanczos, Hutchinson, SLQ), and the pass at θ — inputs, z, a,
/// ∂L/∂z (and ∂L/∂a where σ″ ≠ 0) of every batch — does not depend on v. When all batches' passes fit
/// `cacheBudget` bytes (``HessianVectorPass/byteCount(network:rows:)``; 512 MiB by default, ≈ 89 MB
/// for 4096 samples of a 784-512-512-512-10 ReLU MLP in Float32), the first application records them
/// and every later one runs only the R-passes against them, with the same result bit for bit; above
/// the budget each application streams and recomputes the pass. Cost per application over the n
/// samples (the R-operator's 8 GEMMs per step against the gradient's 3; see ``HessianVectorWorkspace``):
/// with the recorded pass 6 GEMMs per step, measured 1.98 gradients; recomputing — above the budget,
/// and about the first application, which also records — 2.57 gradients (issue 18's workload,
/// BENCHMARKS.md, session 4). Graphs recompute the pass at θ for every product (no recording).
public final class HessianOperator<Scalar: BLASScalar> {
    public let network: Network
    public let parameters: ParameterVector<Scalar>
    public let samples: DataSplit
    public let loss: LossFunction
    /// A label for error messages (e.g. "t = 0.5" or the model file).
    public let pointDescription: String
    /// One workspace per part: dense chains' (``workspaces``) or, for other graphs, ``graphWorkspaces``.
    let workspaces: [HessianVectorWorkspace<Scalar>]
    let graphWorkspaces: [GraphHessianVectorWorkspace<Scalar>]
    let loaders: [BatchLoader<Scalar>]
    let batchSize: Int
    /// The recorded pass at θ of each part's batches, in row order; empty when it exceeds the budget.
    let passes: [[HessianVectorPass<Scalar>]]
    /// The number of Hessian-vector products applied so far.
    public private(set) var productCount = 0
    /// The default memory budget of the recorded pass at θ: 512 MiB.
    public static var defaultCacheBudget: Int { 512 << 20 }
    /// The default memory budget of all parts' graph workspaces (``GraphHessianVectorWorkspace/byteCount(network:rows:)``):
    /// 1 GiB. A graph's batches are cut to fit it; dense chains are not affected.
    public static var defaultGraphWorkspaceBudget: Int { 1 << 30 }
    /// Whether applications reuse the pass at θ (it fits the budget) rather than recompute it.
    public var cachesPass: Bool { !passes.isEmpty }

    /// - Parameters:
    ///   - samples: the sample set whose mean loss is differentiated (all of it, n ≥ 1 rows).
    ///   - batchSize: rows per streamed batch of each part.
    ///   - cacheBudget: the most bytes the recorded pass at θ of all batches may take; above it, every
    ///     application recomputes the pass (0 always recomputes).
    ///   - graphWorkspaceBudget: for a graph, the most bytes the parts' workspaces may take: the rows per
    ///     batch are lowered to fit (at least one).
    public init(
        network: Network, parameters: ParameterVector<Scalar>, samples: DataSplit, loss: LossFunction,
        batchSize: Int = 512, pointDescription: String = "θ", cacheBudget: Int = defaultCacheBudget,
        graphWorkspaceBudget: Int = defaultGraphWorkspaceBudget
    ) throws(CurvatureError) {
        guard samples.count > 0 else { throw .invalid(reason: "the Hessian needs at least one sample") }
        guard batchSize > 0 else { throw .invalid(reason: "the batch size must be positive, got \(batchSize)") }
        precondition(parameters.layout == network.layout, "parameters do not match the network")
        self.network = network
        self.parameters = parameters
        self.samples = samples
        self.loss = loss
        self.pointDescription = pointDescription
        let parts = EvaluationParts.count(rows: samples.count)
        var capacity = Swift.min(batchSize, (samples.count + parts - 1) / parts)
        if !network.isDenseChain {
            // A graph part holds every step's activations, gradients and their R{·} per row (megabytes for a
            // ResNet on CIFAR-sized inputs): fewer rows per batch keep the parts within the budget, and the
            // streamed sum is the same product.
            let perRow = GraphHessianVectorWorkspace<Scalar>.byteCount(network: network, rows: 1)
            capacity = Swift.max(1, Swift.min(capacity, graphWorkspaceBudget / (parts * perRow)))
        }
        self.batchSize = capacity
        if network.isDenseChain {
            workspaces = (0..<parts).map { _ in HessianVectorWorkspace(network: network, capacity: capacity) }
            graphWorkspaces = []
        } else {
            workspaces = []
            var graphs: [GraphHessianVectorWorkspace<Scalar>] = []
            for _ in 0..<parts {
                do { graphs.append(try GraphHessianVectorWorkspace(network: network, capacity: capacity)) } catch {
                    throw .invalid(reason: "the Hessian of this network: \(error.description)")
                }
            }
            graphWorkspaces = graphs
        }
        loaders = (0..<parts).map { _ in BatchLoader(split: samples, capacity: capacity) }
        let batchRows = (0..<parts).map { p in
            let rows = chunkRange(p, of: parts, count: samples.count)
            return stride(from: rows.lowerBound, to: rows.upperBound, by: capacity).map {
                Swift.min(capacity, rows.upperBound - $0)
            }
        }
        let bytes = batchRows.joined().reduce(0) {
            $0 + HessianVectorPass<Scalar>.byteCount(network: network, rows: $1)
        }
        passes =
            bytes <= cacheBudget && network.isDenseChain
            ? batchRows.map { part in part.map { HessianVectorPass(network: network, rows: $0) } } : []
    }

    /// The number of parameters, the dimension of H (the layout's parameter prefix; buffers excluded).
    public var dimension: Int { parameters.layout.parameterCount }

    /// How BatchNorm enters the Hessian, for a network that has it (nil otherwise): evaluation mode.
    public var batchNormHandling: String? { Self.batchNormHandling(network) }

    /// The statement of ``batchNormHandling`` for `network` (nil without BatchNorm).
    public static func batchNormHandling(_ network: Network) -> String? {
        network.plan.hasBatchNorm
            ? "BatchNorm in evaluation mode: the Hessian of the network with its running statistics as constants "
                + "(as PyHessian after model.eval())" : nil
    }

    /// The number of samples n.
    public var sampleCount: Int { samples.count }

    /// H·v. Throws ``CurvatureError/nonFiniteProduct(tensor:index:point:)`` rather than return NaN.
    public func apply(_ v: ParameterVector<Scalar>) throws(CurvatureError) -> ParameterVector<Scalar> {
        let n = samples.count, parts = workspaces.count
        if !graphWorkspaces.isEmpty { return try applyGraph(v) }
        let shared = UncheckedSendable((workspaces, loaders, passes, parameters, v, loss, batchSize))
        Threading.withSingleThreadedBLAS(when: parts > 1) {
            DispatchQueue.concurrentPerform(iterations: parts) { p in
                let (workspaces, loaders, passes, theta, v, loss, capacity) = shared.value
                let rows = chunkRange(p, of: parts, count: n)
                let ws = workspaces[p], loader = loaders[p]
                ws.resetProduct()
                var start = rows.lowerBound, batch = 0
                while start < rows.upperBound {
                    let end = Swift.min(start + capacity, rows.upperBound)
                    let pass = passes.isEmpty ? nil : passes[p][batch]
                    if let pass, pass.isRecorded {
                        ws.accumulate(theta, direction: v, pass: pass, loss: loss, meanOver: n)
                    } else {
                        loader.load(start..<end)
                        _ = loader.withTargets { targets in
                            ws.accumulate(
                                theta, direction: v, inputs: loader.inputs, targets: targets, loss: loss, meanOver: n,
                                recording: pass)
                        }
                    }
                    start = end
                    batch += 1
                }
            }
        }
        var result = workspaces[0].product
        for p in 1..<parts { result.add(workspaces[p].product) }
        return try finish(result)
    }

    /// H·v through the graph workspaces: the same parts, batches and order as the dense path.
    private func applyGraph(_ v: ParameterVector<Scalar>) throws(CurvatureError) -> ParameterVector<Scalar> {
        let n = samples.count, parts = graphWorkspaces.count
        let shared = UncheckedSendable((graphWorkspaces, loaders, parameters, v, loss, batchSize))
        Threading.withSingleThreadedBLAS(when: parts > 1) {
            DispatchQueue.concurrentPerform(iterations: parts) { p in
                let (workspaces, loaders, theta, v, loss, capacity) = shared.value
                let rows = chunkRange(p, of: parts, count: n)
                let ws = workspaces[p], loader = loaders[p]
                ws.resetProduct()
                var start = rows.lowerBound
                while start < rows.upperBound {
                    let end = Swift.min(start + capacity, rows.upperBound)
                    loader.load(start..<end)
                    _ = loader.withTargets { targets in
                        ws.accumulate(
                            theta, direction: v, inputs: loader.inputs, targets: targets, loss: loss, meanOver: n)
                    }
                    start = end
                }
            }
        }
        var result = graphWorkspaces[0].product
        for p in 1..<parts { result.add(graphWorkspaces[p].product) }
        return try finish(result)
    }

    private func finish(_ result: ParameterVector<Scalar>) throws(CurvatureError) -> ParameterVector<Scalar> {
        productCount += 1
        if let (tensor, index) = result.firstNonFinite() {
            throw .nonFiniteProduct(tensor: tensor, index: index, point: pointDescription)
        }
        return result
    }
}

extension DataSplit {
    /// The samples a curvature estimate uses: the first `count` rows, or, with a seed, `count` rows
    /// drawn without replacement (a seeded Fisher–Yates permutation's first `count`, in that order).
    /// `nil` means all. Throws when `count` exceeds the split.
    public func curvatureSamples(count: Int?, seed: UInt64?, splitName: String = "train") throws(CurvatureError)
        -> DataSplit
    {
        let n = count ?? self.count
        guard n >= 1 else { throw .invalid(reason: "--samples must be at least 1, got \(n)") }
        guard n <= self.count else { throw .tooManySamples(requested: n, available: self.count, split: splitName) }
        guard let seed else { return n == self.count ? self : prefix(n) }
        var generator = SeededGenerator(seed: seed)
        return subset(Array(fisherYatesPermutation(count: self.count, using: &generator).prefix(n)))
    }
}
