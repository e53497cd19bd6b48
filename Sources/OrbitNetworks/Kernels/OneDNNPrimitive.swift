#if canImport(CDNNL)
    import CDNNL

    /// A oneDNN memory object: either bound per call to a caller's array (``bind(_:)``) or with a buffer
    /// oneDNN allocated once (an operand in the primitive's own layout).
    final class OneDNNMemory {
        let handle: dnnl_memory_t
        let descriptor: dnnl_memory_desc_t

        init(_ descriptor: dnnl_memory_desc_t, engine: dnnl_engine_t, allocate: Bool, subject: String)
            throws(OneDNNError)
        {
            var memory: dnnl_memory_t?
            var md = descriptor
            let status = dnnl_memory_create(&memory, &md, engine, allocate ? cdnnl_memory_allocate() : nil)
            try OneDNNRuntime.check(status, "dnnl_memory_create", subject)
            handle = memory!
            self.descriptor = descriptor
        }

        deinit { dnnl_memory_destroy(handle) }

        /// Points the memory at `pointer` (a caller's plain buffer; oneDNN only reads it when it is a source).
        @inline(__always) func bind(_ pointer: UnsafeRawPointer) {
            OneDNNRuntime.require(
                dnnl_memory_set_data_handle(handle, UnsafeMutableRawPointer(mutating: pointer)),
                "dnnl_memory_set_data_handle", "a user buffer")
        }
    }

    /// A primitive with its fixed arguments, and the scratchpad it needs (``scratchpadBytes``), supplied
    /// per call from a buffer its owner allocated once for all its primitives.
    final class OneDNNPrimitive {
        let primitive: dnnl_primitive_t
        let scratchpadBytes: Int
        private let scratchpad: OneDNNMemory?
        private var arguments: [dnnl_exec_arg_t]
        /// Keeps the argument memories alive as long as the primitive.
        private let memories: [OneDNNMemory]
        private let name: StaticString

        /// Creates the primitive of `descriptor` (created with ``OneDNNRuntime/attributes(sum:subject:)``)
        /// taking `arguments` (DNNL_ARG_… tag, memory).
        init(
            _ descriptor: const_dnnl_primitive_desc_t, arguments: [(Int32, OneDNNMemory)], engine: dnnl_engine_t,
            name: StaticString, subject: String
        ) throws(OneDNNError) {
            var primitive: dnnl_primitive_t?
            try OneDNNRuntime.check(dnnl_primitive_create(&primitive, descriptor), "dnnl_primitive_create", subject)
            let scratchpadDescriptor = dnnl_primitive_desc_query_md(descriptor, dnnl_query_scratchpad_md, 0)
            let bytes = scratchpadDescriptor.map { dnnl_memory_desc_get_size($0) } ?? 0
            var memories = arguments.map(\.1)
            do throws(OneDNNError) {
                scratchpad =
                    bytes > 0
                    ? try OneDNNMemory(scratchpadDescriptor!.pointee, engine: engine, allocate: false, subject: subject)
                    : nil
            } catch {
                dnnl_primitive_destroy(primitive)
                throw error
            }
            if let scratchpad { memories.append(scratchpad) }
            self.primitive = primitive!
            scratchpadBytes = bytes
            self.arguments = arguments.map { dnnl_exec_arg_t(arg: $0.0, memory: $0.1.handle) }
            if let scratchpad {
                self.arguments.append(dnnl_exec_arg_t(arg: DNNL_ARG_SCRATCHPAD, memory: scratchpad.handle))
            }
            self.memories = memories
            self.name = name
        }

        deinit { dnnl_primitive_destroy(primitive) }

        /// Runs the primitive on `stream` and waits for it; `scratch` holds at least ``scratchpadBytes``.
        @inline(__always)
        func execute(_ stream: dnnl_stream_t, scratch: UnsafeMutableRawPointer?) {
            if let scratchpad { scratchpad.bind(scratch!) }
            let status = arguments.withUnsafeBufferPointer {
                dnnl_primitive_execute(primitive, stream, Int32($0.count), $0.baseAddress)
            }
            OneDNNRuntime.require(status, name, "a convolution")
            OneDNNRuntime.require(dnnl_stream_wait(stream), "dnnl_stream_wait", "a convolution")
        }
    }

    /// A caller's array in its plain layout (NCHW, OIHW) and the layout a primitive wants for it. When the two
    /// differ, a copy in the wanted layout (``copyBytes``, placed in the thread's ``OneDNNArena`` per call)
    /// and the reorder between them: toward the primitive for its inputs, toward the caller for its outputs —
    /// and for an output that may be added onto the caller's array, a second reorder with a sum post-op
    /// (user ← user + wanted).
    final class OneDNNOperand {
        let user: OneDNNMemory
        /// The memory the primitive reads or writes: ``user`` itself when the layouts agree (and no adding
        /// reorder was asked for).
        let wanted: OneDNNMemory
        /// user → wanted for an input, wanted → user for an output; nil when ``wanted`` is ``user``.
        let reorder: OneDNNPrimitive?
        /// user ← user + wanted (outputs created with `adding`).
        let addingReorder: OneDNNPrimitive?
        /// The size of the copy in the wanted layout (0 when there is none).
        let copyBytes: Int

        /// - Parameters:
        ///   - towardUser: an output (reorders copy wanted → user) rather than an input.
        ///   - adding: also create ``addingReorder``; implies a separate ``wanted`` copy even when the layouts
        ///     agree, since the primitive itself can only overwrite.
        init(
            user userDescriptor: dnnl_memory_desc_t, wanted wantedDescriptor: dnnl_memory_desc_t,
            engine: dnnl_engine_t, towardUser: Bool, adding: Bool = false, subject: String
        ) throws(OneDNNError) {
            let user = try OneDNNMemory(userDescriptor, engine: engine, allocate: false, subject: subject)
            self.user = user
            var (u, w) = (userDescriptor, wantedDescriptor)
            guard adding || dnnl_memory_desc_equal(&u, &w) == 0 else {
                wanted = user
                reorder = nil
                addingReorder = nil
                copyBytes = 0
                return
            }
            let wanted = try OneDNNMemory(wantedDescriptor, engine: engine, allocate: false, subject: subject)
            self.wanted = wanted
            copyBytes = dnnl_memory_desc_get_size(&w)
            func makeReorder(sum: Bool) throws(OneDNNError) -> OneDNNPrimitive {
                let attributes = try OneDNNRuntime.attributes(sum: sum, subject: subject)
                defer { dnnl_primitive_attr_destroy(attributes) }
                var descriptor: dnnl_primitive_desc_t?
                let status =
                    towardUser
                    ? dnnl_reorder_primitive_desc_create(&descriptor, &w, engine, &u, engine, attributes)
                    : dnnl_reorder_primitive_desc_create(&descriptor, &u, engine, &w, engine, attributes)
                try OneDNNRuntime.check(status, "dnnl_reorder_primitive_desc_create", subject)
                defer { dnnl_primitive_desc_destroy(descriptor) }
                let (from, to) = towardUser ? (wanted, user) : (user, wanted)
                return try OneDNNPrimitive(
                    descriptor!, arguments: [(DNNL_ARG_FROM, from), (DNNL_ARG_TO, to)], engine: engine,
                    name: sum ? "reorder with sum" : "reorder", subject: subject)
            }
            reorder = try makeReorder(sum: false)
            addingReorder = adding ? try makeReorder(sum: true) : nil
        }

        /// The largest scratchpad this operand's reorders need.
        var scratchpadBytes: Int { max(reorder?.scratchpadBytes ?? 0, addingReorder?.scratchpadBytes ?? 0) }
    }

    /// One primitive and its operands — inputs reordered in before it runs, one output reordered out after —
    /// laid out in the thread's ``OneDNNArena`` as [scratchpad][copy of each operand that needs one]. The
    /// caller binds the operands' ``OneDNNOperand/user`` memories to its arrays, then calls ``run(_:adding:)``.
    final class OneDNNPass {
        let primitive: OneDNNPrimitive
        let inputs: [OneDNNOperand]
        let output: OneDNNOperand
        /// The arena bytes a call needs.
        let arenaBytes: Int
        /// The operands' copies and their offsets in the arena.
        private let copies: [(memory: OneDNNMemory, offset: Int)]

        init(_ primitive: OneDNNPrimitive, inputs: [OneDNNOperand], output: OneDNNOperand) {
            self.primitive = primitive
            self.inputs = inputs
            self.output = output
            let operands = inputs + [output]
            var offset = OneDNNArena.aligned(
                operands.map(\.scratchpadBytes).reduce(primitive.scratchpadBytes, max))
            var copies: [(OneDNNMemory, Int)] = []
            for operand in operands where operand.copyBytes > 0 {
                copies.append((operand.wanted, offset))
                offset = OneDNNArena.aligned(offset + operand.copyBytes)
            }
            self.copies = copies
            arenaBytes = max(offset, 1)
        }

        /// Reorders the inputs in, runs the primitive, and reorders the output out (adding it onto the
        /// caller's array when `adding`, which needs an output created with `adding`).
        @inline(__always)
        func run(_ stream: dnnl_stream_t, adding: Bool = false) {
            let arena = OneDNNArena.current
            arena.reserve(arenaBytes)
            run(stream, adding: adding, base: arena.base!)
        }

        /// ``run(_:adding:)`` with this pass's arena region at `base` (``arenaBytes`` long); input
        /// `shared.input`, when given, read from a copy in its wanted layout that an earlier pass left
        /// at `shared.address` (its own reorder skipped), and the copy of input `kept.input`, when
        /// given, placed at `kept.address` instead of the arena so that a later pass can read it. One
        /// shared input is all a pass needs: the weight pass shares the forward's source, the data
        /// pass the weight pass's output-gradient copy.
        @inline(__always)
        func run(
            _ stream: dnnl_stream_t, adding: Bool = false, base: UnsafeMutableRawPointer,
            shared: (input: Int, address: UnsafeMutableRawPointer)? = nil,
            kept: (input: Int, address: UnsafeMutableRawPointer)? = nil
        ) {
            for copy in copies { copy.memory.bind(base + copy.offset) }
            if let kept { inputs[kept.input].wanted.bind(kept.address) }
            for (k, input) in inputs.enumerated() {
                if let shared, shared.input == k {
                    input.wanted.bind(shared.address)
                } else {
                    input.reorder?.execute(stream, scratch: base)
                }
            }
            primitive.execute(stream, scratch: base)
            (adding ? output.addingReorder : output.reorder)?.execute(stream, scratch: base)
        }

        /// The bytes of input `k`'s copy in its wanted layout (0: read in place).
        func copyBytes(ofInput k: Int) -> Int { inputs[k].copyBytes }

        /// Where the last run put input `k`'s copy, as an offset from its base; nil when the input is read
        /// in place.
        func copyOffset(ofInput k: Int) -> Int? {
            let memory = inputs[k].wanted
            return copies.first { $0.memory === memory }?.offset
        }
    }
#endif
