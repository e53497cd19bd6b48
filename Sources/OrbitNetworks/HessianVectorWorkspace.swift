import OrbitNumerics

/// Exact Hessian-vector products H·v of the mean loss L(θ) = (1/n)·Σ_i ℓ_i by Pearlmutter's
/// R-operator (forward-over-reverse, R{·} = d/dε (·)(θ + ε·v) at ε = 0; docs/math/curvature.md §1),
/// on preallocated buffers: nothing is allocated per batch.
///
/// For each dense step z = W·x + b (+ ε·skip), a = σ(z), the forward pass also carries
/// R{z} = R{x}·Wᵀ + x·Vᵀ + V_b (+ ε·R{skip}) and R{a} = σ′(z)⊙R{z}; the loss seeds R{∂L/∂f} (see
/// ``CurvatureKernels/lossR(_:outputs:rOutputs:into:scale:)``); the backward pass carries
/// R{∂L/∂z} = σ′(z)⊙R{∂L/∂a} + σ″(z)⊙R{z}⊙∂L/∂a, R{∂L/∂x} = R{∂L/∂z}·W + ∂L/∂z·V, and the product
/// R{∂L/∂W} = R{∂L/∂z}ᵀ·x + (∂L/∂z)ᵀ·R{x}, R{∂L/∂b} = R{∂L/∂z}ᵀ·1.
///
/// Cost per batch of b rows: the gradient's GEMMs (forward x·Wᵀ, backward ∂L/∂z·W) plus five more of
/// the same size per step (x·Vᵀ, R{x}·Wᵀ, R{∂L/∂z}·W, ∂L/∂z·V, and the two products with x and R{x}
/// replacing the gradient's one); the first step, whose R{x} = 0 and which propagates nothing to
/// the input, needs three in all. The gradient ∂L/∂θ itself is not formed.
///
/// The pass at θ (x, z, a and ∂L/∂z of every step, and ∂L/∂a where σ″ ≠ 0) does not depend on v: an
/// accumulation can record it into a ``HessianVectorPass``, and later products at the same θ over the
/// same rows run only the R-passes against it (``accumulate(_:direction:pass:loss:meanOver:)``): no
/// forward GEMM, no loss gradient and no ∂L/∂z·W per step — six GEMMs per step instead of eight (two
/// instead of three for the first), bit-identical to the recomputing path (same operations, same order).
///
/// ReLU and leaky ReLU are piecewise linear: at their kink (z = 0 exactly, a measure-zero set of θ
/// for continuous data) the loss is not twice differentiable, and the product uses the one-sided
/// σ′ of the backward pass and σ″ = 0, i.e. the Hessian of the linear piece selected by z > 0.
///
/// Not thread-safe: use one workspace per thread.
public final class HessianVectorWorkspace<Scalar: BLASScalar> {
    /// The forward/backward workspace whose activations and gradients the R-passes read.
    public let workspace: NetworkWorkspace<Scalar>
    public var network: Network { workspace.network }
    public var capacity: Int { workspace.capacity }
    /// R{z} of each step.
    let rz: [AlignedBuffer<Scalar>]
    /// R{a}; the same buffer as `rz` for identity steps.
    let ra: [AlignedBuffer<Scalar>]
    /// R{∂L/∂a} of each step, overwritten in place by R{∂L/∂z} during backward.
    let rda: [AlignedBuffer<Scalar>]
    /// Whether a slot's gradient buffers already hold a contribution (slot k + 1 is step k).
    var started: [Bool]
    /// The accumulated H·v (see ``accumulate(_:direction:inputs:targets:loss:meanOver:)``).
    public private(set) var product: ParameterVector<Scalar>

    public init(network: Network, capacity: Int) {
        precondition(network.isDenseChain, "Hessian-vector products support dense chains only")
        workspace = NetworkWorkspace(network: network, capacity: capacity)
        let steps = workspace.denseSteps
        rz = steps.map { AlignedBuffer(repeating: 0, count: capacity * $0.outputs) }
        ra = zip(steps, rz).map { step, buffer in
            step.activation == .identity ? buffer : AlignedBuffer(repeating: 0, count: capacity * step.outputs)
        }
        rda = steps.map { AlignedBuffer(repeating: 0, count: capacity * $0.outputs) }
        started = Array(repeating: false, count: steps.count + 1)
        product = ParameterVector(layout: network.layout)
    }

    /// Sets ``product`` to zero.
    public func resetProduct() {
        product.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }

    /// Adds to ``product`` the Hessian-vector product H·v of the batch's loss sum scaled by
    /// 1/`meanOver` (the batch mean by default): streamed over batches of a sample set with `meanOver`
    /// = its size, the sum is H·v of the set's mean loss. Returns the batch's Σ_i ℓ_i.
    @discardableResult
    @_specialize(exported:true,where Scalar == Float)
    @_specialize(exported:true,where Scalar == Double)
    public func accumulate(
        _ parameters: ParameterVector<Scalar>, direction: ParameterVector<Scalar>, inputs: MatrixView<Scalar>,
        targets: TargetBatch<Scalar>, loss lossFunction: LossFunction, meanOver: Int? = nil,
        recording pass: HessianVectorPass<Scalar>? = nil
    ) -> BatchLoss {
        precondition(direction.layout == parameters.layout, "the direction does not match the parameters' layout")
        let ws = workspace
        ws.forward(parameters, inputs: inputs)
        let b = inputs.rows
        let steps = ws.denseSteps
        let scale = 1 / Scalar(meanOver ?? b)
        if let pass { pass.recordForward(inputs: inputs, z: ws.z, a: ws.a) }
        parameters.withUnsafeBufferPointer { theta in
            direction.withUnsafeBufferPointer { vector in
                forwardR(theta.baseAddress!, vector.baseAddress!, inputs: inputs, rows: b, z: ws.z, a: ws.a)
            }
        }
        let result = ws.loss(lossFunction, targets: targets, gradient: true, meanOver: meanOver)
        let last = steps.count - 1
        CurvatureKernels.lossR(
            lossFunction, outputs: ws.outputView,
            rOutputs: MatrixView(baseAddress: ra[last].baseAddress, rows: b, columns: steps[last].outputs),
            into: MutableMatrixView(baseAddress: rda[last].baseAddress, rows: b, columns: steps[last].outputs),
            scale: scale)
        parameters.withUnsafeBufferPointer { theta in
            direction.withUnsafeBufferPointer { vector in
                product.withUnsafeMutableBufferPointer { out in
                    backwardR(
                        theta.baseAddress!, vector.baseAddress!, out.baseAddress!, inputs: inputs, rows: b, z: ws.z,
                        a: ws.a, cached: nil, recording: pass)
                }
            }
        }
        if let pass {
            pass.loss = result
            pass.isRecorded = true
        }
        return result
    }

    /// Adds to ``product`` H·v of a batch whose pass at θ = `parameters` was recorded into `pass` by
    /// ``accumulate(_:direction:inputs:targets:loss:meanOver:recording:)`` with the same `parameters`,
    /// `loss` and `meanOver`: the same sum, bit for bit, from the R-passes alone. Returns the
    /// recorded Σ_i ℓ_i.
    @discardableResult
    @_specialize(exported:true,where Scalar == Float)
    @_specialize(exported:true,where Scalar == Double)
    public func accumulate(
        _ parameters: ParameterVector<Scalar>, direction: ParameterVector<Scalar>, pass: HessianVectorPass<Scalar>,
        loss lossFunction: LossFunction, meanOver: Int? = nil
    ) -> BatchLoss {
        precondition(direction.layout == parameters.layout, "the direction does not match the parameters' layout")
        precondition(pass.isRecorded, "the pass at θ has not been recorded")
        precondition(pass.rows <= capacity, "the recorded pass has more rows than the workspace's capacity")
        let steps = workspace.denseSteps
        let b = pass.rows
        let inputs = MatrixView(baseAddress: pass.inputs.baseAddress, rows: b, columns: network.inputSize)
        let scale = 1 / Scalar(meanOver ?? b)
        parameters.withUnsafeBufferPointer { theta in
            direction.withUnsafeBufferPointer { vector in
                forwardR(theta.baseAddress!, vector.baseAddress!, inputs: inputs, rows: b, z: pass.z, a: pass.a)
            }
        }
        let last = steps.count - 1
        CurvatureKernels.lossR(
            lossFunction,
            outputs: MatrixView(baseAddress: pass.a[last].baseAddress, rows: b, columns: steps[last].outputs),
            rOutputs: MatrixView(baseAddress: ra[last].baseAddress, rows: b, columns: steps[last].outputs),
            into: MutableMatrixView(baseAddress: rda[last].baseAddress, rows: b, columns: steps[last].outputs),
            scale: scale)
        parameters.withUnsafeBufferPointer { theta in
            direction.withUnsafeBufferPointer { vector in
                product.withUnsafeMutableBufferPointer { out in
                    backwardR(
                        theta.baseAddress!, vector.baseAddress!, out.baseAddress!, inputs: inputs, rows: b, z: pass.z,
                        a: pass.a, cached: pass, recording: nil)
                }
            }
        }
        return pass.loss!
    }

    private func forwardR(
        _ theta: UnsafePointer<Scalar>, _ vector: UnsafePointer<Scalar>, inputs: MatrixView<Scalar>, rows b: Int,
        z: [AlignedBuffer<Scalar>], a: [AlignedBuffer<Scalar>]
    ) {
        for (k, step) in workspace.denseSteps.enumerated() {
            let n = b * step.outputs
            let rzk = rz[k].baseAddress
            let rzView = MutableMatrixView(baseAddress: rzk, rows: b, columns: step.outputs)
            let v = MatrixView(baseAddress: vector + step.weight.offset, rows: step.outputs, columns: step.inputs)
            gemm(input(step.input, inputs: inputs, rows: b, a: a), v, into: rzView, transposeB: .transposed)
            if step.input >= 0 {
                let w = MatrixView(baseAddress: theta + step.weight.offset, rows: step.outputs, columns: step.inputs)
                gemm(rInput(step.input, rows: b), w, into: rzView, transposeB: .transposed, beta: 1)
            }
            if let from = step.skipFrom, from >= 0 {
                // R{x} of the network input is zero, so only an inner skip source contributes.
                axpy(
                    Scalar(step.skipScale), UnsafeBufferPointer(start: ra[from].baseAddress, count: n),
                    UnsafeMutableBufferPointer(start: rzk, count: n))
            }
            if let bias = step.bias {
                let vb = UnsafeBufferPointer(start: vector + bias.offset, count: step.outputs)
                for i in 0..<b { axpy(1, vb, rzView.row(i)) }
            }
            if step.activation != .identity {
                let rak = ra[k].baseAddress
                rak.update(from: rzk, count: n)
                ActivationKernels.multiplyByDerivative(
                    count: n, gradient: rak, z: UnsafePointer(z[k].baseAddress),
                    a: UnsafePointer(a[k].baseAddress), activation: step.activation)
            }
        }
    }

    private func backwardR(
        _ theta: UnsafePointer<Scalar>, _ vector: UnsafePointer<Scalar>, _ out: UnsafeMutablePointer<Scalar>,
        inputs: MatrixView<Scalar>, rows b: Int, z: [AlignedBuffer<Scalar>], a: [AlignedBuffer<Scalar>],
        cached: HessianVectorPass<Scalar>?, recording record: HessianVectorPass<Scalar>?
    ) {
        // With `cached`, ∂L/∂a and ∂L/∂z of every step are read from the recorded pass and never
        // written; otherwise they are computed in the workspace's `da` (∂L/∂a overwritten in place
        // by ∂L/∂z), and copied into `record` when recording.
        let ws = workspace
        let steps = ws.denseSteps
        for i in started.indices { started[i] = false }
        started[steps.count] = true  // the loss seeded the last step
        let onesView = UnsafeBufferPointer(start: ws.ones.baseAddress, count: b)
        for k in stride(from: steps.count - 1, through: 0, by: -1) {
            let step = steps[k]
            let n = b * step.outputs
            precondition(started[k + 1], "step \(k)'s output feeds nothing")
            let rdak = rda[k].baseAddress
            let zk = UnsafePointer(z[k].baseAddress), ak = UnsafePointer(a[k].baseAddress)
            // R{∂L/∂z} first: its σ″ term needs ∂L/∂a before σ′ overwrites it with ∂L/∂z.
            let dak: UnsafeMutablePointer<Scalar>
            if let cached {
                dak = cached.delta[k].baseAddress
                CurvatureKernels.backward(
                    count: n, rGradient: rdak, gradient: UnsafePointer(cached.gradientA[k].baseAddress), z: zk, a: ak,
                    rz: UnsafePointer(rz[k].baseAddress), activation: step.activation)
            } else {
                dak = ws.da[k].baseAddress
                CurvatureKernels.backward(
                    count: n, rGradient: rdak, gradient: UnsafePointer(dak), z: zk, a: ak,
                    rz: UnsafePointer(rz[k].baseAddress), activation: step.activation)
                if let record, record.gradientA[k] !== record.delta[k] {
                    record.gradientA[k].baseAddress.update(from: dak, count: n)
                }
                ActivationKernels.multiplyByDerivative(
                    count: n, gradient: dak, z: zk, a: ak, activation: step.activation)
                record?.delta[k].baseAddress.update(from: dak, count: n)
            }
            let dz = MatrixView(baseAddress: dak, rows: b, columns: step.outputs)
            let rdz = MatrixView(baseAddress: rdak, rows: b, columns: step.outputs)
            let productW = MutableMatrixView(
                baseAddress: out + step.weight.offset, rows: step.outputs, columns: step.inputs)
            gemm(
                rdz, input(step.input, inputs: inputs, rows: b, a: a), into: productW, transposeA: .transposed, beta: 1)
            if let bias = step.bias {
                gemv(
                    rdz, onesView, into: UnsafeMutableBufferPointer(start: out + bias.offset, count: step.outputs),
                    transpose: .transposed, beta: 1)
            }
            if step.input >= 0 {
                gemm(dz, rInput(step.input, rows: b), into: productW, transposeA: .transposed, beta: 1)
                let w = MatrixView(baseAddress: theta + step.weight.offset, rows: step.outputs, columns: step.inputs)
                let v = MatrixView(baseAddress: vector + step.weight.offset, rows: step.outputs, columns: step.inputs)
                let slot = step.input + 1
                let columns = steps[step.input].outputs
                let rda = MutableMatrixView(baseAddress: self.rda[step.input].baseAddress, rows: b, columns: columns)
                if cached == nil {
                    let da = MutableMatrixView(baseAddress: ws.da[step.input].baseAddress, rows: b, columns: columns)
                    gemm(dz, w, into: da, beta: started[slot] ? 1 : 0)
                }
                gemm(rdz, w, into: rda, beta: started[slot] ? 1 : 0)
                gemm(dz, v, into: rda, beta: 1)
                started[slot] = true
            }
            if let from = step.skipFrom, from >= 0 {
                let slot = from + 1, m = b * steps[from].outputs
                let da = UnsafeMutableBufferPointer(start: ws.da[from].baseAddress, count: m)
                let rda = UnsafeMutableBufferPointer(start: self.rda[from].baseAddress, count: m)
                if !started[slot] {
                    if cached == nil { da.update(repeating: 0) }
                    rda.update(repeating: 0)
                    started[slot] = true
                }
                let scale = Scalar(step.skipScale)
                if cached == nil { axpy(scale, UnsafeBufferPointer(start: dak, count: n), da) }
                axpy(scale, UnsafeBufferPointer(start: rdak, count: n), rda)
            }
        }
    }

    private func input(_ slot: Int, inputs: MatrixView<Scalar>, rows b: Int, a: [AlignedBuffer<Scalar>])
        -> MatrixView<Scalar>
    {
        slot < 0
            ? inputs
            : MatrixView(baseAddress: a[slot].baseAddress, rows: b, columns: workspace.denseSteps[slot].outputs)
    }

    private func rInput(_ slot: Int, rows b: Int) -> MatrixView<Scalar> {
        MatrixView(baseAddress: ra[slot].baseAddress, rows: b, columns: workspace.denseSteps[slot].outputs)
    }
}

/// The pass at θ of one batch of `rows` samples, as the R-operator reads it: the inputs x, and per step
/// z, a = σ(z), ∂L/∂z and, where σ″ ≠ 0 (tanh, sigmoid, GELU), ∂L/∂a. It does not depend on the
/// direction v: recorded once by ``HessianVectorWorkspace/accumulate(_:direction:inputs:targets:loss:meanOver:recording:)``,
/// it serves every later product at the same θ (``HessianVectorWorkspace/accumulate(_:direction:pass:loss:meanOver:)``).
/// Memory: ``byteCount(network:rows:)``.
public final class HessianVectorPass<Scalar: BLASScalar>: @unchecked Sendable {
    public let rows: Int
    let inputs: AlignedBuffer<Scalar>
    let z: [AlignedBuffer<Scalar>]
    /// The same buffer as `z` for identity steps.
    let a: [AlignedBuffer<Scalar>]
    /// ∂L/∂z of each step.
    let delta: [AlignedBuffer<Scalar>]
    /// ∂L/∂a of each step; the same buffer as `delta` where σ″ = 0 (the σ″ term does not read it).
    let gradientA: [AlignedBuffer<Scalar>]
    /// Whether the pass has been recorded.
    public internal(set) var isRecorded = false
    /// The batch's recorded Σ_i ℓ_i.
    public internal(set) var loss: BatchLoss?

    public init(network: Network, rows: Int) {
        precondition(rows > 0, "a recorded pass needs at least one row")
        self.rows = rows
        let steps = network.computePlan
        inputs = AlignedBuffer(repeating: 0, count: rows * network.inputSize)
        z = steps.map { AlignedBuffer(repeating: 0, count: rows * $0.outputs) }
        a = zip(steps, z).map { step, buffer in
            step.activation == .identity ? buffer : AlignedBuffer(repeating: 0, count: rows * step.outputs)
        }
        delta = steps.map { AlignedBuffer(repeating: 0, count: rows * $0.outputs) }
        gradientA = zip(steps, delta).map { step, buffer in
            Self.needsGradientA(step.activation) ? AlignedBuffer(repeating: 0, count: rows * step.outputs) : buffer
        }
    }

    /// The bytes a pass of `rows` samples holds: rows·(inputs + Σ_k outputs_k·(2 + [σ ≠ id] + [σ″ ≠ 0]))
    /// scalars.
    public static func byteCount(network: Network, rows: Int) -> Int {
        var perRow = network.inputSize
        for step in network.computePlan {
            perRow +=
                step.outputs * (2 + (step.activation == .identity ? 0 : 1) + (needsGradientA(step.activation) ? 1 : 0))
        }
        return rows * perRow * MemoryLayout<Scalar>.stride
    }

    static func needsGradientA(_ activation: Activation) -> Bool {
        switch activation {
        case .identity, .relu, .leakyReLU: return false
        case .tanh, .sigmoid, .gelu: return true
        }
    }

    func recordForward(
        inputs x: MatrixView<Scalar>, z zs: [AlignedBuffer<Scalar>], a activations: [AlignedBuffer<Scalar>]
    ) {
        precondition(x.rows == rows, "the batch has \(x.rows) rows, the pass \(rows)")
        let columns = x.columns
        for i in 0..<rows {
            (inputs.baseAddress + i * columns).update(from: x.baseAddress + i * x.rowStride, count: columns)
        }
        for k in z.indices {
            let n = z[k].count
            z[k].baseAddress.update(from: zs[k].baseAddress, count: n)
            if a[k] !== z[k] { a[k].baseAddress.update(from: activations[k].baseAddress, count: n) }
        }
    }
}
