import OrbitData
import OrbitNetworks
import OrbitNumerics
import OrbitTraining

/// Which curvature `orbit path --hessian` measures at each t.
public struct PathCurvatureSettings: Sendable, Hashable {
    public var topEigenvalue: Bool
    public var trace: Bool
    /// Lanczos steps for λ_max and Hutchinson probes for the trace.
    public var steps: Int
    public var probes: Int
    /// Seed of the Lanczos starts and probes (the same at every t).
    public var seed: UInt64

    public init(topEigenvalue: Bool, trace: Bool, steps: Int = 20, probes: Int = 16, seed: UInt64 = 0) {
        self.topEigenvalue = topEigenvalue
        self.trace = trace
        self.steps = steps
        self.probes = probes
        self.seed = seed
    }
}

/// The Hessian's top eigenvalue and trace at each t of one path, beside the training loss there
/// (docs/math/curvature.md §6), with the error bars and counts.
public struct PathCurvatureRecord: Codable, Sendable {
    public struct Point: Codable, Sendable {
        public var t: Double
        /// The mean loss over the curvature samples at θ(t).
        public var loss: Double
        /// loss(t) − ((1 − t)·loss(0) + t·loss(1)): the excess over the chord of the end losses.
        public var barrier: Double
        public var curvature: PointCurvature
    }

    public var path: String
    public var samples: Int
    public var sampleSelection: String
    public var lanczosStepLimit: Int?
    public var probes: Int?
    public var hessianVectorProducts: Int
    /// How BatchNorm enters the Hessian (evaluation mode), for a network that has it.
    public var batchNorm: String?
    public var points: [Point]

    enum CodingKeys: String, CodingKey {
        case path, samples, points, probes
        case batchNorm = "batch_norm"
        case sampleSelection = "sample_selection"
        case lanczosStepLimit = "lanczos_step_limit"
        case hessianVectorProducts = "hessian_vector_products"
    }

    /// Measures the curvature at each t of the curve θ(t) given by `point` (a line, a fitted curve, an
    /// orbit curve) on `samples`. Cost per point: `steps` + `probes` Hessian-vector products and one
    /// loss evaluation over the samples.
    ///
    /// A BatchNorm network's Hessian is taken in evaluation mode at the point whose running statistics
    /// `batchNorm` sets, as a path's profile does: `.reset` recomputes them at every t on `statistics`
    /// in batches of `statisticsBatchSize` (one training-mode pass per point); `.interpolate` keeps
    /// the point's own. The record's `batch_norm` says which.
    public static func measure<Scalar: BLASScalar>(
        name: String, t: [Double], network: Network, samples: DataSplit, sampleSelection: String,
        loss: LossFunction, settings: PathCurvatureSettings, batchNorm: BatchNormHandling = .interpolate,
        statistics: DataSplit? = nil, statisticsBatchSize: Int = 1000,
        point: (Double) throws -> ParameterVector<Scalar>
    ) throws -> PathCurvatureRecord {
        precondition(
            batchNorm == .interpolate || statistics != nil, "PathCurvatureRecord.measure: reset needs statistics data")
        let resets = batchNorm == .reset && network.plan.hasBatchNorm
        var points: [Point] = []
        var products = 0
        for ti in t {
            var theta = try point(ti)
            if resets {
                var one = [theta]
                network.resetBatchNormStatistics(&one, on: statistics!, batchSize: statisticsBatchSize)
                theta = one[0]
            }
            let op = try HessianOperator(
                network: network, parameters: theta, samples: samples, loss: loss,
                pointDescription: "\(name) t = \(ti)")
            let c = try PointCurvature.measure(
                op, top: settings.topEigenvalue, trace: settings.trace, steps: settings.steps,
                probes: settings.probes, seed: settings.seed)
            products += op.productCount
            let value = network.evaluate(theta, on: samples, loss: loss).loss
            points.append(Point(t: ti, loss: value, barrier: 0, curvature: c))
        }
        if let first = points.first, let last = points.last {
            for i in points.indices {
                let s = points[i].t
                points[i].barrier = points[i].loss - ((1 - s) * first.loss + s * last.loss)
            }
        }
        return PathCurvatureRecord(
            path: name, samples: samples.count, sampleSelection: sampleSelection,
            lanczosStepLimit: settings.topEigenvalue ? settings.steps : nil,
            probes: settings.trace ? settings.probes : nil, hessianVectorProducts: products,
            batchNorm: HessianOperator<Scalar>.batchNormHandling(network).map {
                "\($0); \(batchNorm.reportDescription)"
            },
            points: points)
    }
}
