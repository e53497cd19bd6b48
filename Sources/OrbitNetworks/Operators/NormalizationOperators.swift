import OrbitNumerics

/// A BatchNorm node (`docs/math/layer-graph.md §3`). Training mode: μ, σ² (biased) of the whole
/// minibatch per channel — each part of a split batch computes its count, mean and M2, the parts'
/// are combined exactly (``BatchNormStatistics/combine(_:)``, in part order, so every part holds
/// the same numbers) — then y = γ·x̂ + β with x̂ = (x − μ)/√(σ² + ε). Backward likewise sums Σdy and
/// Σdy·x̂ over the parts before dx = γ/(N·√(σ²+ε))·(N·dy − Σdy − x̂·Σdy·x̂); each part's dγ, dβ are
/// its own partial sums, which the parts' gradient sum adds up. Evaluation mode uses the running
/// statistics, constants of θ's buffers. O(b·C·H·W) per pass.
final class BatchNormOperator<Scalar: BLASScalar>: SynchronizingOperator {
    let input: Int
    /// A forward-only workspace's BatchNorm (no x̂ kept) — still in training mode while its
    /// statistics are recomputed (``RunningStatisticsAverage``).
    let inference: Bool
    /// A ReLU fused after the normalisation (identity if none): its derivative reads the output.
    let activation: Activation
    let kernel: BatchNormKernel<Scalar>
    let momentum: Scalar
    let weight: TensorSpec
    let bias: TensorSpec
    let runningMean: TensorSpec
    let runningVariance: TensorSpec
    let y: AlignedBuffer<Scalar>
    let dy: AlignedBuffer<Scalar>
    let normalized: AlignedBuffer<Scalar>
    /// This part's statistics, and the whole batch's.
    let partial: BatchNormStatistics<Scalar>
    let combined: BatchNormStatistics<Scalar>
    let invStd: AlignedBuffer<Scalar>
    let variance: AlignedBuffer<Scalar>
    /// This part's Σdy and Σdy·x̂ per channel, and the whole batch's.
    let partialSums: AlignedBuffer<Scalar>
    let combinedSums: AlignedBuffer<Scalar>

    init(
        input: Int, layer: BatchNormLayer, channels: Int, spatial: Int,
        tensors: (TensorSpec, TensorSpec, TensorSpec, TensorSpec), activation: Activation = .identity,
        capacity: Int, inference: Bool, outputs: OutputBuffers<Scalar>
    ) {
        self.input = input
        self.inference = inference
        self.activation = activation
        kernel = BatchNormKernel(channels: channels, spatial: spatial, epsilon: Scalar(layer.epsilon))
        momentum = Scalar(layer.momentum)
        (weight, bias, runningMean, runningVariance) = tensors
        let width = channels * spatial
        let gradientRows = inference ? 0 : capacity
        y = outputs.output(count: capacity * width)
        dy = AlignedBuffer(repeating: 0, count: Swift.max(1, gradientRows * width))
        normalized = AlignedBuffer(repeating: 0, count: Swift.max(1, gradientRows * width))
        partial = BatchNormStatistics(channels: channels)
        combined = BatchNormStatistics(channels: channels)
        invStd = AlignedBuffer(repeating: 0, count: channels)
        variance = AlignedBuffer(repeating: 0, count: channels)
        partialSums = AlignedBuffer(repeating: 0, count: 2 * channels)
        combinedSums = AlignedBuffer(repeating: 0, count: 2 * channels)
    }

    var output: UnsafeMutablePointer<Scalar> { y.baseAddress }
    var outputGradient: UnsafeMutablePointer<Scalar> { dy.baseAddress }
    var channels: Int { kernel.channels }

    func forwardPartial(_ c: StepContext<Scalar>) {
        kernel.partialStatistics(rows: c.rows, input: c.value(input), statistics: partial)
    }

    func combineForward(_ parts: [any SynchronizingOperator<Scalar>]) {
        combined.reset()
        for part in parts { combined.combine((part as! BatchNormOperator<Scalar>).partial) }
        combined.inverseStandardDeviation(epsilon: kernel.epsilon, into: invStd.baseAddress)
    }

    func forward(_ c: StepContext<Scalar>) {
        let gamma = c.theta + weight.offset, beta = c.theta + bias.offset
        if c.training {
            kernel.normalize(
                rows: c.rows, input: c.value(input), mean: combined.mean.baseAddress, invStd: invStd.baseAddress,
                weight: gamma, bias: beta, output: y.baseAddress, normalized: inference ? nil : normalized.baseAddress)
        } else {
            kernel.evaluationForward(
                rows: c.rows, input: c.value(input), runningMean: c.theta + runningMean.offset,
                runningVariance: c.theta + runningVariance.offset, weight: gamma, bias: beta, output: y.baseAddress)
        }
        if activation != .identity {
            ActivationKernels.biasActivation(
                rows: c.rows, columns: kernel.rowSize, z: y.baseAddress, a: y.baseAddress, bias: nil,
                activation: activation)
        }
    }

    /// ∂L/∂y ← ∂L/∂a ⊙ σ′ for the fused activation (ReLU: from the output's sign).
    private func multiplyByActivationDerivative(rows: Int) {
        guard activation != .identity else { return }
        ActivationKernels.multiplyByDerivative(
            count: rows * kernel.rowSize, gradient: dy.baseAddress, z: UnsafePointer(y.baseAddress),
            a: UnsafePointer(y.baseAddress), activation: activation)
    }

    func backwardPartial(_ c: StepContext<Scalar>) {
        // Training mode always starts backward here (split or not), so the activation's derivative is
        // applied once, before the sums.
        multiplyByActivationDerivative(rows: c.rows)
        kernel.partialGradientSums(
            rows: c.rows, outputGradient: dy.baseAddress, normalized: normalized.baseAddress,
            sumGradient: partialSums.baseAddress, sumGradientNormalized: partialSums.baseAddress + channels)
    }

    func combineBackward(_ parts: [any SynchronizingOperator<Scalar>]) {
        combinedSums.baseAddress.update(repeating: 0, count: 2 * channels)
        for part in parts {
            let sums = (part as! BatchNormOperator<Scalar>).partialSums.baseAddress
            for i in 0..<(2 * channels) { combinedSums.baseAddress[i] += sums[i] }
        }
    }

    func backward(_ c: StepContext<Scalar>) {
        let gamma = c.theta + weight.offset
        let g = c.gradient!
        let target = c.routing.wants(input) ? c.routing.target(input) : nil
        if c.training {
            // dγ, dβ of this part; the parts' gradients are summed afterwards.
            (g + weight.offset).update(from: partialSums.baseAddress + channels, count: channels)
            (g + bias.offset).update(from: partialSums.baseAddress, count: channels)
            if let target {
                kernel.backwardInput(
                    rows: c.rows, outputGradient: dy.baseAddress, normalized: normalized.baseAddress,
                    invStd: invStd.baseAddress, weight: gamma, sumGradient: combinedSums.baseAddress,
                    sumGradientNormalized: combinedSums.baseAddress + channels, count: combined.count,
                    inputGradient: target.pointer, accumulate: target.accumulate)
            }
        } else {
            multiplyByActivationDerivative(rows: c.rows)
            kernel.evaluationBackward(
                rows: c.rows, input: c.value(input), outputGradient: dy.baseAddress,
                runningMean: c.theta + runningMean.offset, runningVariance: c.theta + runningVariance.offset,
                weight: gamma, inputGradient: target?.pointer, accumulate: target?.accumulate ?? false,
                weightGradient: g + weight.offset, biasGradient: g + bias.offset)
        }
    }

    /// Adds the last training-mode batch's mean and unbiased variance per channel to `sums`
    /// (2·C values from `offset`).
    func addBatchStatistics(to sums: UnsafeMutablePointer<Double>) {
        let n = combined.count
        let correction = n > 1 ? Double(n) / Double(n - 1) : 1
        for c in 0..<channels {
            sums[c] += Double(combined.mean.baseAddress[c])
            sums[channels + c] += Double(combined.m2.baseAddress[c]) / Double(n) * correction
        }
    }

    /// θ's running statistics ← (1 − m)·running + m·batch (unbiased variance), from the last
    /// training-mode forward pass.
    func updateRunningStatistics(_ theta: UnsafeMutablePointer<Scalar>) {
        guard combined.count > 0 else { return }
        combined.biasedVariance(into: variance.baseAddress)
        kernel.updateRunningStatistics(
            mean: combined.mean.baseAddress, variance: variance.baseAddress, count: combined.count,
            runningMean: theta + runningMean.offset, runningVariance: theta + runningVariance.offset, momentum: momentum
        )
    }
}

/// A LayerNorm node over each sample's whole tensor (``LayerNormKernel``): y = γ ⊙ x̂ + β. The same
/// in training and evaluation; O(b·D) per pass.
final class LayerNormOperator<Scalar: BLASScalar>: StepOperator {
    let input: Int
    let kernel: LayerNormKernel<Scalar>
    let weight: TensorSpec
    let bias: TensorSpec
    let inference: Bool
    let y: AlignedBuffer<Scalar>
    let dy: AlignedBuffer<Scalar>
    let normalized: AlignedBuffer<Scalar>
    let invStd: AlignedBuffer<Scalar>

    init(
        input: Int, layer: LayerNormLayer, size: Int, weight: TensorSpec, bias: TensorSpec, capacity: Int,
        inference: Bool, outputs: OutputBuffers<Scalar>
    ) {
        self.input = input
        kernel = LayerNormKernel(size: size, epsilon: Scalar(layer.epsilon))
        self.weight = weight
        self.bias = bias
        self.inference = inference
        let gradientRows = inference ? 0 : capacity
        y = outputs.output(count: capacity * size)
        dy = AlignedBuffer(repeating: 0, count: Swift.max(1, gradientRows * size))
        normalized = AlignedBuffer(repeating: 0, count: Swift.max(1, gradientRows * size))
        invStd = AlignedBuffer(repeating: 0, count: Swift.max(1, gradientRows))
    }

    var output: UnsafeMutablePointer<Scalar> { y.baseAddress }
    var outputGradient: UnsafeMutablePointer<Scalar> { dy.baseAddress }

    func forward(_ c: StepContext<Scalar>) {
        kernel.forward(
            rows: c.rows, input: c.value(input), weight: c.theta + weight.offset, bias: c.theta + bias.offset,
            output: y.baseAddress, normalized: inference ? nil : normalized.baseAddress,
            invStd: inference ? nil : invStd.baseAddress)
    }

    func backward(_ c: StepContext<Scalar>) {
        let target = c.routing.wants(input) ? c.routing.target(input) : nil
        kernel.backward(
            rows: c.rows, outputGradient: dy.baseAddress, normalized: normalized.baseAddress,
            invStd: invStd.baseAddress,
            weight: c.theta + weight.offset, inputGradient: target?.pointer, accumulate: target?.accumulate ?? false,
            weightGradient: c.gradient! + weight.offset, biasGradient: c.gradient! + bias.offset)
    }
}
