import OrbitNumerics

/// The loss ℓ(f(x), y) averaged over samples: L = (1/b)·Σ_i ℓ_i.
public enum LossFunction: String, Hashable, Sendable, Codable, CaseIterable {
    /// ℓ_i = −log softmax(f(x_i))_(y_i), with class-label targets (PyTorch `CrossEntropyLoss`).
    case softmaxCrossEntropy = "cross_entropy"
    /// ℓ_i = ‖f(x_i) − y_i‖² summed over outputs (PyTorch's `MSELoss` also divides by the output
    /// size; for one output they agree). This is the squared loss of Zhao et al. and Lin et al.
    case meanSquaredError = "mse"
}

/// Targets of one minibatch, borrowed from the data set.
public enum TargetBatch<Scalar: BLASScalar> {
    case classes(UnsafeBufferPointer<Int32>)
    case values(MatrixView<Scalar>)

    public var count: Int {
        switch self {
        case .classes(let labels): return labels.count
        case .values(let v): return v.rows
        }
    }

    /// The same targets typed as `T`; only valid when `T.self == Scalar.self`.
    func reinterpreted<T: BLASScalar>(as _: T.Type) -> TargetBatch<T> {
        switch self {
        case .classes(let labels): return .classes(labels)
        case .values(let v): return .values(v.reinterpreted(as: T.self))
        }
    }
}

/// Σ_i ℓ_i over a batch and, for classification, the number of correct argmax predictions.
public struct BatchLoss: Sendable {
    public var lossSum: Double
    public var correct: Int?

    public init(lossSum: Double, correct: Int?) {
        self.lossSum = lossSum
        self.correct = correct
    }
}

enum LossKernels {
    /// Loss of `outputs` (b×k) against `targets`; when `gradient` is given it receives ∂L/∂outputs
    /// for the batch mean L = (1/b)·Σℓ_i, scaled by `gradientScale` (1/b for a plain mean).
    /// Softmax is fused: one pass for the max, one for exp and the sum, one for the gradient.
    static func evaluate<Scalar: BLASScalar>(
        _ loss: LossFunction, outputs: MatrixView<Scalar>, targets: TargetBatch<Scalar>,
        gradient: MutableMatrixView<Scalar>?, gradientScale: Scalar
    ) -> BatchLoss {
        switch Precision(Scalar.self) {
        case .float:
            return kernel(
                loss, outputs: outputs.reinterpreted(as: Float.self), targets: targets.reinterpreted(as: Float.self),
                gradient: gradient?.reinterpreted(as: Float.self), gradientScale: Float(gradientScale))
        case .double:
            return kernel(
                loss, outputs: outputs.reinterpreted(as: Double.self), targets: targets.reinterpreted(as: Double.self),
                gradient: gradient?.reinterpreted(as: Double.self), gradientScale: Double(gradientScale))
        case .other:
            return kernel(loss, outputs: outputs, targets: targets, gradient: gradient, gradientScale: gradientScale)
        }
    }

    private static func kernel<Scalar: BLASScalar>(
        _ loss: LossFunction, outputs: MatrixView<Scalar>, targets: TargetBatch<Scalar>,
        gradient: MutableMatrixView<Scalar>?, gradientScale: Scalar
    ) -> BatchLoss {
        let b = outputs.rows, k = outputs.columns
        precondition(targets.count == b, "\(targets.count) targets for \(b) outputs")
        switch (loss, targets) {
        case (.softmaxCrossEntropy, .classes(let labels)):
            var total = 0.0
            var correct = 0
            for i in 0..<b {
                let z = outputs.row(i)
                let y = Int(labels[i])
                precondition(y >= 0 && y < k, "label \(y) outside 0..<\(k)")
                var maxValue = z[0]
                var argmax = 0
                for j in 1..<k where z[j] > maxValue {
                    maxValue = z[j]
                    argmax = j
                }
                if argmax == y { correct += 1 }
                var sum: Scalar = 0
                for j in 0..<k { sum += Scalar.exp(z[j] - maxValue) }
                let logSum = Scalar.log(sum)
                total += Double(logSum + maxValue - z[y])
                if let gradient {
                    let g = gradient.row(i)
                    let inverse = gradientScale / sum
                    for j in 0..<k { g[j] = Scalar.exp(z[j] - maxValue) * inverse }
                    g[y] -= gradientScale
                }
            }
            return BatchLoss(lossSum: total, correct: correct)
        case (.meanSquaredError, .values(let y)):
            precondition(y.columns == k, "targets have \(y.columns) columns, outputs \(k)")
            var total = 0.0
            for i in 0..<b {
                let z = outputs.row(i), t = y.row(i)
                var s: Scalar = 0
                if let gradient {
                    let g = gradient.row(i)
                    for j in 0..<k {
                        let d = z[j] - t[j]
                        s += d * d
                        g[j] = 2 * gradientScale * d
                    }
                } else {
                    for j in 0..<k {
                        let d = z[j] - t[j]
                        s += d * d
                    }
                }
                total += Double(s)
            }
            return BatchLoss(lossSum: total, correct: nil)
        case (.meanSquaredError, .classes(let labels)):
            // Squared error against one-hot targets (used by some LMC studies on classification).
            var total = 0.0
            var correct = 0
            for i in 0..<b {
                let z = outputs.row(i)
                let y = Int(labels[i])
                var s: Scalar = 0
                var argmax = 0
                for j in 0..<k {
                    let d = z[j] - (j == y ? 1 : 0)
                    s += d * d
                    if z[j] > z[argmax] { argmax = j }
                    if let gradient { gradient[i, j] = 2 * gradientScale * d }
                }
                if argmax == y { correct += 1 }
                total += Double(s)
            }
            return BatchLoss(lossSum: total, correct: correct)
        case (.softmaxCrossEntropy, .values):
            preconditionFailure("cross-entropy needs class labels; use mse for real-valued targets")
        }
    }
}
