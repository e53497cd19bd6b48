#if canImport(CDNNL)
    #if canImport(Glibc)
        import Glibc
    #endif

    /// The bytes a oneDNN convolution call works in on this thread: the scratchpad of its primitives and
    /// the copies of its operands in oneDNN's blocked layouts.
    ///
    /// Those copies live only during one call (reorder in, convolve, reorder out), so every oneDNN kernel
    /// running on a thread shares that thread's arena instead of owning its copies: a ResNet evaluated in
    /// parts of 500 rows would otherwise hold two 25 MB copies per convolution node and part (about 2 GB),
    /// and a training workspace six per node. The arena grows to the largest need of any call seen on the
    /// thread and is never shrunk; it is freed when the thread exits. Growth happens when primitives are
    /// created, so calls with batch sizes seen before allocate nothing.
    final class OneDNNArena {
        private(set) var base: UnsafeMutableRawPointer?
        private(set) var bytes = 0

        /// Byte offsets in an arena are rounded up to this (oneDNN's preferred alignment).
        static let alignment = 64

        /// Makes the arena at least `count` bytes long (its contents are not kept).
        func reserve(_ count: Int) {
            guard count > bytes else { return }
            base?.deallocate()
            base = .allocate(byteCount: count, alignment: 4096)
            bytes = count
        }

        deinit { base?.deallocate() }

        /// The calling thread's arena.
        static var current: OneDNNArena {
            if let p = pthread_getspecific(key) { return Unmanaged<OneDNNArena>.fromOpaque(p).takeUnretainedValue() }
            let arena = OneDNNArena()
            pthread_setspecific(key, Unmanaged.passRetained(arena).toOpaque())
            return arena
        }

        private static let key: pthread_key_t = {
            var key = pthread_key_t()
            let status = pthread_key_create(&key) { p in
                if let p { Unmanaged<OneDNNArena>.fromOpaque(p).release() }
            }
            precondition(status == 0, "OneDNNArena: pthread_key_create failed (\(status))")
            return key
        }()

        /// `offset` rounded up to ``alignment``.
        static func aligned(_ offset: Int) -> Int { (offset + alignment - 1) / alignment * alignment }
    }
#endif
