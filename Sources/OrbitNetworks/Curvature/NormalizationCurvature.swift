import OrbitNumerics

/// The R-operator of BatchNorm in evaluation mode (docs/math/curvature.md §7): with the running
/// statistics μ, σ² constants of θ (buffers, not parameters), y = γ·x̂ + β with x̂ = (x − μ)·s,
/// s = 1/√(σ² + ε), per channel affine in x. Forward R{y} = γ·s·R{x} + V_γ·x̂ + V_β (then the
/// fused ReLU's σ′ mask); backward R{∂L/∂x} = s·(γ·R{dy} + V_γ·dy), R{∂L/∂γ} = Σ R{dy}·x̂ + Σ dy·s·R{x},
/// R{∂L/∂β} = Σ R{dy}. The Hessian of a BatchNorm network is thus taken in evaluation mode, as
/// PyHessian's after `model.eval()`. Each term is a call of the evaluation-mode kernels; O(b·C·H·W).
final class BatchNormCurvature<Scalar: BLASScalar>: RBufferHolding {
    let op: BatchNormOperator<Scalar>
    /// R{output} and R{∂L/∂output}.
    let buffers: RBuffers<Scalar>
    /// V_γ·x̂, before γ·s·R{x} + V_β is added.
    let scratch: AlignedBuffer<Scalar>
    /// A zero mean (C), so the evaluation kernels compute γ·s·R{x} and Σ dy·s·R{x}.
    let zeroMean: AlignedBuffer<Scalar>
    /// The three per-channel sums of R{∂L/∂γ}, R{∂L/∂β}.
    let sums: AlignedBuffer<Scalar>

    init(_ op: BatchNormOperator<Scalar>, capacity: Int) {
        self.op = op
        let count = capacity * op.kernel.rowSize
        buffers = RBuffers(count: count)
        scratch = AlignedBuffer(repeating: 0, count: count)
        zeroMean = AlignedBuffer(repeating: 0, count: op.channels)
        sums = AlignedBuffer(repeating: 0, count: 3 * op.channels)
    }

    func forwardR(_ c: StepContext<Scalar>, _ r: CurvatureContext<Scalar>) {
        precondition(!c.training, "the R-operator of BatchNorm is written for evaluation mode")
        let kernel = op.kernel
        let (mean, variance) = (c.theta + op.runningMean.offset, c.theta + op.runningVariance.offset)
        kernel.evaluationForward(
            rows: c.rows, input: r.rValue(op.input), runningMean: zeroMean.baseAddress, runningVariance: variance,
            weight: c.theta + op.weight.offset, bias: r.direction + op.bias.offset, output: rOutput)
        kernel.evaluationForward(
            rows: c.rows, input: c.value(op.input), runningMean: mean, runningVariance: variance,
            weight: r.direction + op.weight.offset, bias: nil, output: scratch.baseAddress)
        let count = c.rows * kernel.rowSize
        axpy(
            1, UnsafeBufferPointer(start: scratch.baseAddress, count: count),
            UnsafeMutableBufferPointer(start: rOutput, count: count))
        if op.activation != .identity {
            ActivationKernels.multiplyByDerivative(
                count: count, gradient: rOutput, z: UnsafePointer(op.y.baseAddress),
                a: UnsafePointer(op.y.baseAddress), activation: op.activation)
        }
    }

    func prepareBackwardR(_ c: StepContext<Scalar>, _ r: CurvatureContext<Scalar>) {
        // The fused ReLU: σ″ = 0, so only its σ′ mask (from the output, as the operator's backward).
        guard op.activation != .identity else { return }
        ActivationKernels.multiplyByDerivative(
            count: c.rows * op.kernel.rowSize, gradient: rOutputGradient, z: UnsafePointer(op.y.baseAddress),
            a: UnsafePointer(op.y.baseAddress), activation: op.activation)
    }

    func backwardR(_ c: StepContext<Scalar>, _ r: CurvatureContext<Scalar>) {
        let kernel = op.kernel, channels = op.channels
        let (mean, variance) = (c.theta + op.runningMean.offset, c.theta + op.runningVariance.offset)
        let target = r.routing.wants(op.input) ? r.routing.target(op.input) : nil
        let s = sums.baseAddress
        // γ·s·R{dy} into R{∂L/∂x}; Σ R{dy}·x̂ and Σ R{dy}.
        kernel.evaluationBackward(
            rows: c.rows, input: c.value(op.input), outputGradient: rOutputGradient, runningMean: mean,
            runningVariance: variance, weight: c.theta + op.weight.offset, inputGradient: target?.pointer,
            accumulate: target?.accumulate ?? false, weightGradient: s, biasGradient: s + channels)
        // V_γ·s·dy added to R{∂L/∂x}; Σ dy·s·R{x}. The operator's `dy` is ∂L/∂y after the ReLU's mask.
        kernel.evaluationBackward(
            rows: c.rows, input: r.rValue(op.input), outputGradient: op.dy.baseAddress,
            runningMean: zeroMean.baseAddress, runningVariance: variance, weight: r.direction + op.weight.offset,
            inputGradient: target?.pointer, accumulate: true, weightGradient: s + 2 * channels, biasGradient: nil)
        r.addToProduct(s, op.weight)
        r.addToProduct(s + 2 * channels, op.weight)
        r.addToProduct(s + channels, op.bias)
    }
}

/// The full R-operator of LayerNorm over each sample's D values (docs/math/curvature.md §7). With
/// x̂ = (x − m)·s, m the row mean, s = 1/√(var + ε):
/// R{x̂} = s·(R{x} − mean(R{x}) − x̂·mean(x̂⊙R{x})), R{s} = ρ·s with ρ = −s·mean(x̂⊙R{x}), and
/// R{y} = γ⊙R{x̂} + V_γ⊙x̂ + V_β. Backward, with g = γ⊙dy, R{g} = γ⊙R{dy} + V_γ⊙dy and
/// dx = s·(g − mean g − x̂·mean(g⊙x̂)):
/// R{dx} = ρ·dx + s·(R{g} − mean R{g} − R{x̂}·mean(g⊙x̂) − x̂·mean(R{g}⊙x̂ + g⊙R{x̂})),
/// R{∂L/∂γ} = Σ_rows (R{dy}⊙x̂ + dy⊙R{x̂}), R{∂L/∂β} = Σ_rows R{dy}. O(b·D) each way.
final class LayerNormCurvature<Scalar: BLASScalar>: RBufferHolding {
    let op: LayerNormOperator<Scalar>
    /// R{output} and R{∂L/∂output}.
    let buffers: RBuffers<Scalar>
    /// R{x̂} of each row, and ρ = R{s}/s of each row, from the forward R-pass.
    let rNormalized: AlignedBuffer<Scalar>
    let rho: AlignedBuffer<Scalar>

    init(_ op: LayerNormOperator<Scalar>, capacity: Int) {
        self.op = op
        let count = capacity * op.kernel.size
        buffers = RBuffers(count: count)
        rNormalized = AlignedBuffer(repeating: 0, count: count)
        rho = AlignedBuffer(repeating: 0, count: capacity)
    }

    func forwardR(_ c: StepContext<Scalar>, _ r: CurvatureContext<Scalar>) {
        let d = op.kernel.size
        let count = Scalar(d)
        let (gamma, vGamma, vBeta) = (
            c.theta + op.weight.offset, r.direction + op.weight.offset, r.direction + op.bias.offset
        )
        let rInput = UnsafePointer(r.rValue(op.input))
        for n in 0..<c.rows {
            let (h, rx, rh, y) = (
                op.normalized.baseAddress + n * d, rInput + n * d, rNormalized.baseAddress + n * d,
                rOutput + n * d
            )
            let s = op.invStd.baseAddress[n]
            var sum: Scalar = 0
            var sumNormalized: Scalar = 0
            for i in 0..<d {
                sum += rx[i]
                sumNormalized += h[i] * rx[i]
            }
            let (m1, m2) = (sum / count, sumNormalized / count)
            for i in 0..<d {
                let v = s * (rx[i] - m1 - h[i] * m2)
                rh[i] = v
                y[i] = gamma[i] * v + vGamma[i] * h[i] + vBeta[i]
            }
            rho.baseAddress[n] = -s * m2
        }
    }

    func backwardR(_ c: StepContext<Scalar>, _ r: CurvatureContext<Scalar>) {
        let d = op.kernel.size
        let count = Scalar(d)
        let (gamma, vGamma) = (c.theta + op.weight.offset, r.direction + op.weight.offset)
        let (productGamma, productBeta) = (r.product + op.weight.offset, r.product + op.bias.offset)
        let target = r.routing.wants(op.input) ? r.routing.target(op.input) : nil
        for n in 0..<c.rows {
            let (h, rh, dy, rdyRow) = (
                op.normalized.baseAddress + n * d, rNormalized.baseAddress + n * d, op.dy.baseAddress + n * d,
                rOutputGradient + n * d
            )
            for i in 0..<d {
                productGamma[i] += rdyRow[i] * h[i] + dy[i] * rh[i]
                productBeta[i] += rdyRow[i]
            }
            guard let target else { continue }
            var (sumG, sumGH, sumRG, sumCross): (Scalar, Scalar, Scalar, Scalar) = (0, 0, 0, 0)
            for i in 0..<d {
                let g = gamma[i] * dy[i]
                let rg = gamma[i] * rdyRow[i] + vGamma[i] * dy[i]
                sumG += g
                sumGH += g * h[i]
                sumRG += rg
                sumCross += rg * h[i] + g * rh[i]
            }
            let s = op.invStd.baseAddress[n], rhoN = rho.baseAddress[n]
            let (meanG, meanGH, meanRG, meanCross) = (sumG / count, sumGH / count, sumRG / count, sumCross / count)
            let out = target.pointer + n * d
            for i in 0..<d {
                let g = gamma[i] * dy[i]
                let rg = gamma[i] * rdyRow[i] + vGamma[i] * dy[i]
                let dx = s * (g - meanG - h[i] * meanGH)
                let v = rhoN * dx + s * (rg - meanRG - rh[i] * meanGH - h[i] * meanCross)
                if target.accumulate { out[i] += v } else { out[i] = v }
            }
        }
    }
}
