#if canImport(CDNNL)
    import CDNNL
    import OrbitNumerics

    /// A Float 2-D convolution (PyTorch `Conv2d`, groups = 1, dilation = 1) on NCHW rows through oneDNN's
    /// convolution primitives, with ``Conv2dKernel``'s call shape and results:
    /// - forward yₙ = W ⋆ xₙ + b;
    /// - backward data dxₙ = Wᵀ ⋆ dyₙ (the transposed convolution), written or added;
    /// - backward weights dW = Σₙ dyₙ ⋆ xₙ and db = Σₙ Σ_positions dyₙ.
    /// Each pass costs 2·b·C_out·C_in·kH·kW·H_out·W_out flops (oneDNN's JIT kernels, AVX-512/AVX2 as the CPU
    /// has) plus the reorders of the operands between the callers' NCHW/OIHW arrays and oneDNN's blocked
    /// layouts (e.g. nChw16c), O(b·(C_in·H·W + C_out·H_out·W_out) + C_out·C_in·kH·kW) copying per call.
    ///
    /// Primitives are created per batch size actually seen (the capacity, and the last, shorter batch of an
    /// epoch) and per OpenMP thread count (``OneDNNRuntime/matchBLASThreads()``), at most
    /// ``cachedBatches`` sets, the least recently used dropped; the backward primitives only when first
    /// needed. The operands' blocked copies and the scratchpads live only during a call, in the thread's
    /// ``OneDNNArena`` shared by all convolutions, so a call with a batch size seen before allocates nothing.
    /// The engine is shared process-wide; each instance has its own stream, since instances run concurrently
    /// on the cores (one per part of a split minibatch). Not thread-safe: one instance per thread, as
    /// ``Conv2dKernel``.
    public final class OneDNNConvolution: FloatConvolution {
        public let geometry: Conv2dGeometry
        /// The largest `rows` the per-batch calls accept.
        public let capacity: Int
        /// Whether the forward pass adds a bias (and the weight pass returns its gradient).
        public let hasBias: Bool
        /// Forward only: the backward calls are refused. The forward primitive is still oneDNN's
        /// training-propagation one: for inference oneDNN 2.6 picks `brgconv` on NHWC here, which with its
        /// reorders measured 2–3× slower per row than the blocked `jit` kernels it picks for training.
        public let inference: Bool
        /// How many (batch size, thread count) primitive sets are kept.
        static let cachedBatches = 4

        private let engine: dnnl_engine_t
        private let stream: dnnl_stream_t
        /// Most recently used last.
        private var batches: [Batch] = []

        /// Checks that oneDNN implements the geometry (a forward descriptor for `capacity` rows); creates no
        /// primitive yet.
        public init(geometry: Conv2dGeometry, capacity: Int, bias: Bool, inference: Bool = false)
            throws(OneDNNError)
        {
            precondition(capacity > 0, "OneDNNConvolution: capacity must be positive")
            self.geometry = geometry
            self.capacity = capacity
            hasBias = bias
            self.inference = inference
            let engine = try OneDNNRuntime.engine(for: geometry.description)
            let probe = try Self.forwardDescriptor(geometry, rows: capacity, bias: bias, engine)
            dnnl_primitive_desc_destroy(probe)
            var stream: dnnl_stream_t?
            try OneDNNRuntime.check(
                dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue), "dnnl_stream_create",
                geometry.description)
            self.engine = engine
            self.stream = stream!
        }

        deinit {
            batches.removeAll()
            dnnl_stream_destroy(stream)
        }

        // MARK: The passes

        /// output[n] ← W ⋆ input[n] + bias for `rows` samples (arrays as ``Conv2dKernel/forward(rows:input:weight:bias:output:)``).
        public func forward(
            rows: Int, input: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
            output: UnsafeMutablePointer<Float>
        ) {
            precondition(rows >= 0 && rows <= capacity, "OneDNNConvolution.forward: \(rows) rows, capacity \(capacity)")
            precondition(
                (bias != nil) == hasBias, "OneDNNConvolution.forward: bias given \(bias != nil), built \(hasBias)")
            guard rows > 0 else { return }
            let b = batch(rows: rows)
            let f = b.forward
            f.inputs[0].user.bind(input)
            f.inputs[1].user.bind(weight)
            f.output.user.bind(output)
            if let bias { b.bias!.bind(bias) }
            b.keptInput = nil
            guard !inference, f.copyBytes(ofInput: 0) > 0 else {
                f.run(stream)
                return
            }
            // Training: the source's copy in oneDNN's layout is kept for the weight pass of the same
            // step (``backward``), which would otherwise reorder the same array again.
            if b.keptCopy == nil {
                b.keptCopy = .allocate(byteCount: f.copyBytes(ofInput: 0), alignment: OneDNNArena.alignment)
            }
            let arena = OneDNNArena.current
            arena.reserve(f.arenaBytes)
            f.run(stream, base: arena.base!, kept: (0, b.keptCopy!))
            b.keptInput = UnsafeRawPointer(input)
        }

        /// inputGradient[n] ← (or += when `accumulate`) Wᵀ ⋆ outputGradient[n]. oneDNN's backward data only
        /// overwrites, so it writes its own copy and a reorder with a sum post-op adds that onto the caller's.
        public func backwardInput(
            rows: Int, outputGradient: UnsafePointer<Float>, weight: UnsafePointer<Float>,
            inputGradient: UnsafeMutablePointer<Float>, accumulate: Bool
        ) {
            precondition(
                rows >= 0 && rows <= capacity, "OneDNNConvolution.backwardInput: \(rows) rows, capacity \(capacity)")
            precondition(!inference, "OneDNNConvolution.backwardInput on an inference-only kernel")
            guard rows > 0 else { return }
            let b = batch(rows: rows)
            let d = b.backwardData ?? makeBackwardData(b)
            d.inputs[0].user.bind(outputGradient)
            d.inputs[1].user.bind(weight)
            d.output.user.bind(inputGradient)
            d.run(stream, adding: accumulate)
        }

        /// weightGradient ← Σₙ dyₙ ⋆ xₙ and biasGradient ← Σₙ dyₙ·1 (both overwritten; zero when rows = 0).
        public func backwardWeight(
            rows: Int, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
            weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>?
        ) {
            precondition(
                rows >= 0 && rows <= capacity, "OneDNNConvolution.backwardWeight: \(rows) rows, capacity \(capacity)")
            precondition(!inference, "OneDNNConvolution.backwardWeight on an inference-only kernel")
            precondition(
                (biasGradient != nil) == hasBias,
                "OneDNNConvolution.backwardWeight: bias gradient given \(biasGradient != nil), built \(hasBias)")
            guard rows > 0 else {
                KernelMemory.zero(weightGradient, count: geometry.weightCount)
                if let biasGradient { KernelMemory.zero(biasGradient, count: geometry.outChannels) }
                return
            }
            let b = batch(rows: rows)
            let w = b.backwardWeights ?? makeBackwardWeights(b)
            w.inputs[0].user.bind(input)
            w.inputs[1].user.bind(outputGradient)
            w.output.user.bind(weightGradient)
            if let biasGradient { b.biasGradient!.bind(biasGradient) }
            w.run(stream)
        }

        /// ``backwardWeight`` then ``backwardInput`` with one copy of dy: the weight pass reorders dy into
        /// oneDNN's layout and the data pass reads that copy when it wants the same layout (it does for
        /// the JIT kernels); the weight pass also reads the source copy the forward pass kept. Two of the
        /// six activation reorders of a training step saved.
        public func backward(
            rows: Int, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>, weight: UnsafePointer<Float>,
            weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>?,
            inputGradient: UnsafeMutablePointer<Float>?, accumulate: Bool
        ) {
            guard let inputGradient, rows > 0 else {
                return backwardSeparately(
                    rows: rows, input: input, outputGradient: outputGradient, weight: weight,
                    weightGradient: weightGradient, biasGradient: biasGradient, inputGradient: inputGradient,
                    accumulate: accumulate)
            }
            precondition(rows <= capacity, "OneDNNConvolution.backward: \(rows) rows, capacity \(capacity)")
            precondition(!inference, "OneDNNConvolution.backward on an inference-only kernel")
            precondition(
                (biasGradient != nil) == hasBias,
                "OneDNNConvolution.backward: bias gradient given \(biasGradient != nil), built \(hasBias)")
            let b = batch(rows: rows)
            let w = b.backwardWeights ?? makeBackwardWeights(b)
            let d = b.backwardData ?? makeBackwardData(b)
            w.inputs[0].user.bind(input)
            w.inputs[1].user.bind(outputGradient)
            w.output.user.bind(weightGradient)
            if let biasGradient { b.biasGradient!.bind(biasGradient) }
            d.inputs[0].user.bind(outputGradient)
            d.inputs[1].user.bind(weight)
            d.output.user.bind(inputGradient)
            let arena = OneDNNArena.current
            let split = OneDNNArena.aligned(w.arenaBytes)
            arena.reserve(split + d.arenaBytes)
            let base = arena.base!
            // The source as the forward pass of this step left it in oneDNN's layout, when this is the
            // same array in the same layout (the training step: forward, then backward on its values).
            var sourceCopy: (input: Int, address: UnsafeMutableRawPointer)?
            if let kept = b.keptCopy, b.keptInput == UnsafeRawPointer(input), w.copyBytes(ofInput: 0) > 0 {
                var forwardSource = b.forward.inputs[0].wanted.descriptor, weightSource = w.inputs[0].wanted.descriptor
                if dnnl_memory_desc_equal(&forwardSource, &weightSource) != 0 { sourceCopy = (0, kept) }
            }
            w.run(stream, base: base, shared: sourceCopy)
            var first = w.inputs[1].wanted.descriptor, second = d.inputs[0].wanted.descriptor
            if let offset = w.copyOffset(ofInput: 1), d.copyOffset(ofInput: 0) != nil,
                dnnl_memory_desc_equal(&first, &second) != 0
            {
                d.run(stream, adding: accumulate, base: base + split, shared: (0, base + offset))
            } else {
                d.run(stream, adding: accumulate, base: base + split)
            }
        }

        // MARK: Primitives per batch size

        /// The passes of one batch size and thread count: forward (inputs source and weights, output the
        /// destination), and when first needed backward data (output gradient and weights → input gradient)
        /// and backward weights (source and output gradient → weight gradient).
        private final class Batch {
            let rows: Int
            let threads: Int
            /// Kept as the hint the backward descriptors need.
            let forwardDescriptor: dnnl_primitive_desc_t
            let forward: OneDNNPass
            let bias: OneDNNMemory?
            var backwardData: OneDNNPass?
            var backwardWeights: OneDNNPass?
            var biasGradient: OneDNNMemory?
            /// Training: the last forward call's source in the forward primitive's layout, and the caller's
            /// array it was copied from (nil once another call may have changed it).
            var keptCopy: UnsafeMutableRawPointer?
            var keptInput: UnsafeRawPointer?

            init(
                rows: Int, threads: Int, forwardDescriptor: dnnl_primitive_desc_t, forward: OneDNNPass,
                bias: OneDNNMemory?
            ) {
                (self.rows, self.threads, self.forwardDescriptor) = (rows, threads, forwardDescriptor)
                (self.forward, self.bias) = (forward, bias)
            }

            deinit {
                dnnl_primitive_desc_destroy(forwardDescriptor)
                keptCopy?.deallocate()
            }
        }

        /// The primitives for `rows` at the calling thread's thread count (set here), created on first use.
        @inline(__always) private func batch(rows: Int) -> Batch {
            let threads = OneDNNRuntime.matchBLASThreads()
            if let last = batches.last, last.rows == rows, last.threads == threads { return last }
            if let i = batches.firstIndex(where: { $0.rows == rows && $0.threads == threads }) {
                let b = batches.remove(at: i)
                batches.append(b)
                return b
            }
            if batches.count >= Self.cachedBatches { batches.removeFirst() }
            let b = created { () throws(OneDNNError) in try makeBatch(rows: rows, threads: threads) }
            batches.append(b)
            return b
        }

        /// `body`'s result; a oneDNN refusal here (after ``init`` accepted the geometry) stops the process.
        private func created<T>(_ body: () throws(OneDNNError) -> T) -> T {
            do { return try body() } catch { fatalError(error.description) }
        }

        private var subject: String { geometry.description }

        private static func forwardDescriptor(
            _ g: Conv2dGeometry, rows: Int, bias: Bool, _ engine: dnnl_engine_t
        ) throws(OneDNNError) -> dnnl_primitive_desc_t {
            var (source, weights, destination, biasDescriptor) = anyDescriptors(g, rows: rows)
            var descriptor = dnnl_convolution_desc_t()
            let status = withUnsafePointer(to: &biasDescriptor) { b in
                cdnnl_convolution_forward_desc(
                    &descriptor, dnnl_forward_training, &source, &weights,
                    bias ? b : nil, &destination, Int64(g.strideHeight), Int64(g.strideWidth), Int64(g.paddingHeight),
                    Int64(g.paddingWidth))
            }
            try OneDNNRuntime.check(status, "dnnl_convolution_forward_desc_init", g.description)
            return try primitiveDescriptor(&descriptor, hint: nil, engine, g.description)
        }

        /// Source, weights and destination with the layout left to oneDNN (`any`); the bias plain.
        private static func anyDescriptors(_ g: Conv2dGeometry, rows: Int) -> (
            dnnl_memory_desc_t, dnnl_memory_desc_t, dnnl_memory_desc_t, dnnl_memory_desc_t
        ) {
            let any = dnnl_format_tag_any
            var (source, weights, destination, bias) = (
                dnnl_memory_desc_t(), dnnl_memory_desc_t(), dnnl_memory_desc_t(), dnnl_memory_desc_t()
            )
            _ = cdnnl_memory_desc_4d(&source, Int64(rows), Int64(g.inChannels), Int64(g.height), Int64(g.width), any)
            _ = cdnnl_memory_desc_4d(
                &weights, Int64(g.outChannels), Int64(g.inChannels), Int64(g.kernelHeight), Int64(g.kernelWidth), any)
            _ = cdnnl_memory_desc_4d(
                &destination, Int64(rows), Int64(g.outChannels), Int64(g.outHeight), Int64(g.outWidth), any)
            _ = cdnnl_memory_desc_1d(&bias, Int64(g.outChannels))
            return (source, weights, destination, bias)
        }

        /// The callers' layouts: NCHW source and destination, OIHW weights.
        private func userDescriptors(rows: Int) -> (dnnl_memory_desc_t, dnnl_memory_desc_t, dnnl_memory_desc_t) {
            let g = geometry
            var (source, weights, destination) = (dnnl_memory_desc_t(), dnnl_memory_desc_t(), dnnl_memory_desc_t())
            _ = cdnnl_memory_desc_4d(
                &source, Int64(rows), Int64(g.inChannels), Int64(g.height), Int64(g.width), dnnl_nchw)
            _ = cdnnl_memory_desc_4d(
                &weights, Int64(g.outChannels), Int64(g.inChannels), Int64(g.kernelHeight), Int64(g.kernelWidth),
                dnnl_oihw)
            _ = cdnnl_memory_desc_4d(
                &destination, Int64(rows), Int64(g.outChannels), Int64(g.outHeight), Int64(g.outWidth), dnnl_nchw)
            return (source, weights, destination)
        }

        /// A primitive descriptor for the operation `descriptor`, with a user scratchpad.
        private static func primitiveDescriptor(
            _ descriptor: inout dnnl_convolution_desc_t, hint: const_dnnl_primitive_desc_t?,
            _ engine: dnnl_engine_t, _ subject: String
        ) throws(OneDNNError) -> dnnl_primitive_desc_t {
            let attributes = try OneDNNRuntime.attributes(sum: false, subject: subject)
            defer { dnnl_primitive_attr_destroy(attributes) }
            var primitiveDescriptor: dnnl_primitive_desc_t?
            try OneDNNRuntime.check(
                dnnl_primitive_desc_create(&primitiveDescriptor, &descriptor, attributes, engine, hint),
                "dnnl_primitive_desc_create", subject)
            return primitiveDescriptor!
        }

        /// The layout the primitive of `descriptor` wants for `what` (index 1: the bias).
        private static func wanted(
            _ descriptor: const_dnnl_primitive_desc_t, _ what: dnnl_query_t, index: Int32 = 0
        ) -> dnnl_memory_desc_t {
            dnnl_primitive_desc_query_md(descriptor, what, index)!.pointee
        }

        private func makeBatch(rows: Int, threads: Int) throws(OneDNNError) -> Batch {
            let fd = try Self.forwardDescriptor(geometry, rows: rows, bias: hasBias, engine)
            do throws(OneDNNError) {
                let (source, weights, destination) = userDescriptors(rows: rows)
                let s = subject
                let sourceOperand = try OneDNNOperand(
                    user: source, wanted: Self.wanted(fd, dnnl_query_src_md), engine: engine, towardUser: false,
                    subject: s)
                let weightOperand = try OneDNNOperand(
                    user: weights, wanted: Self.wanted(fd, dnnl_query_weights_md), engine: engine, towardUser: false,
                    subject: s)
                let destinationOperand = try OneDNNOperand(
                    user: destination, wanted: Self.wanted(fd, dnnl_query_dst_md), engine: engine, towardUser: true,
                    subject: s)
                let bias =
                    hasBias
                    ? try OneDNNMemory(
                        Self.wanted(fd, dnnl_query_weights_md, index: 1), engine: engine, allocate: false, subject: s)
                    : nil
                var arguments = [
                    (DNNL_ARG_SRC, sourceOperand.wanted), (DNNL_ARG_WEIGHTS, weightOperand.wanted),
                    (DNNL_ARG_DST, destinationOperand.wanted),
                ]
                if let bias { arguments.append((DNNL_ARG_BIAS, bias)) }
                let forward = try OneDNNPrimitive(
                    fd, arguments: arguments, engine: engine, name: "convolution forward", subject: s)
                return Batch(
                    rows: rows, threads: threads, forwardDescriptor: fd,
                    forward: OneDNNPass(forward, inputs: [sourceOperand, weightOperand], output: destinationOperand),
                    bias: bias)
            } catch {
                dnnl_primitive_desc_destroy(fd)
                throw error
            }
        }

        private func makeBackwardData(_ b: Batch) -> OneDNNPass {
            let d = created { () throws(OneDNNError) -> OneDNNPass in
                let g = geometry
                let s = subject
                var (source, weights, destination, _) = Self.anyDescriptors(g, rows: b.rows)
                var descriptor = dnnl_convolution_desc_t()
                try OneDNNRuntime.check(
                    cdnnl_convolution_backward_data_desc(
                        &descriptor, &source, &weights, &destination, Int64(g.strideHeight), Int64(g.strideWidth),
                        Int64(g.paddingHeight), Int64(g.paddingWidth)),
                    "dnnl_convolution_backward_data_desc_init", s)
                let pd = try Self.primitiveDescriptor(&descriptor, hint: b.forwardDescriptor, engine, s)
                defer { dnnl_primitive_desc_destroy(pd) }
                let (userSource, userWeights, userDestination) = userDescriptors(rows: b.rows)
                let outputGradient = try OneDNNOperand(
                    user: userDestination, wanted: Self.wanted(pd, dnnl_query_diff_dst_md), engine: engine,
                    towardUser: false, subject: s)
                let weightOperand = try OneDNNOperand(
                    user: userWeights, wanted: Self.wanted(pd, dnnl_query_weights_md), engine: engine,
                    towardUser: false, subject: s)
                let inputGradient = try OneDNNOperand(
                    user: userSource, wanted: Self.wanted(pd, dnnl_query_diff_src_md), engine: engine,
                    towardUser: true, adding: true, subject: s)
                let primitive = try OneDNNPrimitive(
                    pd,
                    arguments: [
                        (DNNL_ARG_DIFF_DST, outputGradient.wanted), (DNNL_ARG_WEIGHTS, weightOperand.wanted),
                        (DNNL_ARG_DIFF_SRC, inputGradient.wanted),
                    ], engine: engine, name: "convolution backward data", subject: s)
                return OneDNNPass(primitive, inputs: [outputGradient, weightOperand], output: inputGradient)
            }
            b.backwardData = d
            return d
        }

        private func makeBackwardWeights(_ b: Batch) -> OneDNNPass {
            let w = created { () throws(OneDNNError) -> (OneDNNPass, OneDNNMemory?) in
                let g = geometry
                let s = subject
                var (source, weights, destination, bias) = Self.anyDescriptors(g, rows: b.rows)
                var descriptor = dnnl_convolution_desc_t()
                let hasBias = hasBias
                let status = withUnsafePointer(to: &bias) { biasPointer in
                    cdnnl_convolution_backward_weights_desc(
                        &descriptor, &source, &weights, hasBias ? biasPointer : nil, &destination,
                        Int64(g.strideHeight), Int64(g.strideWidth), Int64(g.paddingHeight), Int64(g.paddingWidth))
                }
                try OneDNNRuntime.check(status, "dnnl_convolution_backward_weights_desc_init", s)
                let pd = try Self.primitiveDescriptor(&descriptor, hint: b.forwardDescriptor, engine, s)
                defer { dnnl_primitive_desc_destroy(pd) }
                let (userSource, userWeights, userDestination) = userDescriptors(rows: b.rows)
                let input = try OneDNNOperand(
                    user: userSource, wanted: Self.wanted(pd, dnnl_query_src_md), engine: engine, towardUser: false,
                    subject: s)
                let outputGradient = try OneDNNOperand(
                    user: userDestination, wanted: Self.wanted(pd, dnnl_query_diff_dst_md), engine: engine,
                    towardUser: false, subject: s)
                let weightGradient = try OneDNNOperand(
                    user: userWeights, wanted: Self.wanted(pd, dnnl_query_diff_weights_md), engine: engine,
                    towardUser: true, subject: s)
                let biasGradient =
                    hasBias
                    ? try OneDNNMemory(
                        Self.wanted(pd, dnnl_query_diff_weights_md, index: 1), engine: engine, allocate: false,
                        subject: s)
                    : nil
                var arguments = [
                    (DNNL_ARG_SRC, input.wanted), (DNNL_ARG_DIFF_DST, outputGradient.wanted),
                    (DNNL_ARG_DIFF_WEIGHTS, weightGradient.wanted),
                ]
                if let biasGradient { arguments.append((DNNL_ARG_DIFF_BIAS, biasGradient)) }
                let primitive = try OneDNNPrimitive(
                    pd, arguments: arguments, engine: engine, name: "convolution backward weights", subject: s)
                return (
                    OneDNNPass(primitive, inputs: [input, outputGradient], output: weightGradient), biasGradient
                )
            }
            (b.backwardWeights, b.biasGradient) = w
            return w.0
        }
    }
#endif
