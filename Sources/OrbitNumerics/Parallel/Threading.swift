import Foundation
import Synchronization

/// How many threads Orbit uses: for BLAS calls and for its own parallel loops.
///
/// The default is every core (`ProcessInfo.activeProcessorCount`). `ORBIT_THREADS` in the
/// environment overrides it at start-up; the command line's `--threads` calls ``configure(threads:)``.
/// Bit-identical results are promised for the same seed *and* thread count.
public enum Threading {
    private static let configured = Atomic<Int>(0)

    /// The number of threads in use (≥ 1).
    public static var threadCount: Int {
        let n = configured.load(ordering: .relaxed)
        if n > 0 { return n }
        return configure(threads: nil)
    }

    /// Sets the thread count: `threads` if given, else `ORBIT_THREADS`, else the number of cores.
    /// Returns the count now in force.
    @discardableResult
    public static func configure(threads: Int?) -> Int {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let fromEnvironment = ProcessInfo.processInfo.environment["ORBIT_THREADS"].flatMap { Int($0) }
        let n = max(1, threads ?? fromEnvironment ?? cores)
        configured.store(n, ordering: .relaxed)
        BLASBackend.setThreads(n)
        return n
    }

    /// Runs `body` with BLAS on one thread, then restores ``threadCount``: for callers that split the
    /// work across the cores themselves (e.g. halves of a minibatch), where BLAS's own threads would
    /// oversubscribe the machine.
    public static func withSingleThreadedBLAS<R>(when condition: Bool = true, _ body: () throws -> R) rethrows -> R {
        guard condition else { return try body() }
        let restore = threadCount
        BLASBackend.setThreads(1)
        defer { BLASBackend.setThreads(restore) }
        return try body()
    }
}

/// A value that may cross into a `@Sendable` closure because the caller guarantees that concurrent
/// users touch disjoint parts of it (e.g. one workspace per thread).
public struct UncheckedSendable<Value>: @unchecked Sendable {
    public var value: Value
    public init(_ value: Value) { self.value = value }
}
