#if canImport(CDNNL)
    import CDNNL
    import OrbitNumerics

    /// A oneDNN call that failed: which call, its status, and what it was for (a convolution's geometry).
    public struct OneDNNError: Error, CustomStringConvertible {
        public let call: String
        /// oneDNN's `dnnl_status_t` value.
        public let status: UInt32
        public let subject: String

        public var description: String {
            let names: [UInt32: String] = [
                1: "out of memory", 2: "invalid arguments", 3: "unimplemented", 4: "iterator ends",
                5: "runtime error", 6: "not required",
            ]
            return "oneDNN: \(call) failed (\(names[status] ?? "status \(status)")) for \(subject)"
        }
    }

    /// What every oneDNN user in Orbit shares: the CPU engine, status checks, and the thread rule.
    enum OneDNNRuntime {
        /// The process-wide CPU engine (oneDNN engines are thread-safe and expensive to create).
        private final class Engine: @unchecked Sendable {
            let handle: dnnl_engine_t?
            let status: dnnl_status_t

            init() {
                var engine: dnnl_engine_t?
                status = dnnl_engine_create(&engine, dnnl_cpu, 0)
                handle = engine
            }
        }

        private static let shared = Engine()

        /// The shared CPU engine, or the error that prevented creating it.
        static func engine(for subject: @autoclosure () -> String) throws(OneDNNError) -> dnnl_engine_t {
            try check(shared.status, "dnnl_engine_create", subject())
            return shared.handle!
        }

        /// Throws unless `status` is `dnnl_success`.
        @inline(__always)
        static func check(
            _ status: dnnl_status_t, _ call: @autoclosure () -> String, _ subject: @autoclosure () -> String
        ) throws(OneDNNError) {
            guard status != dnnl_success else { return }
            throw OneDNNError(call: call(), status: status.rawValue, subject: subject())
        }

        /// Stops the process when an execution that oneDNN accepted at creation fails: only a bug (or a
        /// corrupted heap) gets there, and the kernels' call shape has no error path.
        @inline(__always)
        static func require(_ status: dnnl_status_t, _ call: StaticString, _ subject: @autoclosure () -> String) {
            if status != dnnl_success {
                fatalError("oneDNN: \(call) failed (status \(status.rawValue)) for \(subject())")
            }
        }

        /// Sets oneDNN's OpenMP thread count on the calling thread to BLAS's current one and returns it.
        ///
        /// Orbit runs the parts of a split minibatch on separate cores, each with single-threaded BLAS
        /// (``Threading/withSingleThreadedBLAS(when:_:)``); oneDNN must follow the same rule or its OpenMP
        /// team would oversubscribe the cores. OpenMP's thread count is a per-thread setting, so each part's
        /// thread sets its own; outside a split it is ``Threading/threadCount``. oneDNN sizes its work
        /// split at primitive creation, so primitives are cached per thread count too.
        static func matchBLASThreads() -> Int {
            let threads = max(1, BLASBackend.threads)
            omp_set_num_threads(Int32(threads))
            return threads
        }

        /// Attributes with a user-provided scratchpad (allocated once by the caller) and, when `sum`, the
        /// post-op dst ← dst + result (accumulation for a reorder). The caller destroys them.
        static func attributes(sum: Bool, subject: @autoclosure () -> String) throws(OneDNNError)
            -> dnnl_primitive_attr_t
        {
            var attributes: dnnl_primitive_attr_t?
            try check(dnnl_primitive_attr_create(&attributes), "dnnl_primitive_attr_create", subject())
            let status = dnnl_primitive_attr_set_scratchpad_mode(attributes, dnnl_scratchpad_mode_user)
            guard status == dnnl_success, sum else {
                if status != dnnl_success { dnnl_primitive_attr_destroy(attributes) }
                try check(status, "dnnl_primitive_attr_set_scratchpad_mode", subject())
                return attributes!
            }
            var postOps: dnnl_post_ops_t?
            var result = dnnl_post_ops_create(&postOps)
            if result == dnnl_success { result = dnnl_post_ops_append_sum(postOps, 1) }
            if result == dnnl_success { result = dnnl_primitive_attr_set_post_ops(attributes, postOps) }
            if postOps != nil { dnnl_post_ops_destroy(postOps) }
            if result != dnnl_success { dnnl_primitive_attr_destroy(attributes) }
            try check(result, "the sum post-op", subject())
            return attributes!
        }
    }
#endif
