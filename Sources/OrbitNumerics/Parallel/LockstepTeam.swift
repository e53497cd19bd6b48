import Foundation
import Synchronization

/// Runs `body(p)` for every part p < `parts` — the caller as part 0, one helper thread per other
/// part — for work that comes as many short phases in quick succession: the BatchNorm-separated
/// phases of a split minibatch, about forty per training step of a ResNet-20.
///
/// `DispatchQueue.concurrentPerform` hands each phase to a pool thread that parks in between, which
/// costs 36–50 µs per hand-over here and up to milliseconds once the thread has idled
/// (docs/numerics-measurements.md §2). A helper of this team instead spins for up to `spin` checks
/// after each phase, so the next phase starts within a microsecond; only after that does it block on
/// a condition variable (so an idle team costs no CPU). Between calls the caller must not need both
/// cores for other work within the spin window — true of the exchanges between phases.
///
/// `run` is not reentrant and must be called from one thread at a time. Helpers exit in `deinit`.
public final class LockstepTeam: @unchecked Sendable {
    public let parts: Int
    private let spin: Int
    /// Bumped by the caller to publish a phase (`body` written before, with release ordering).
    private let generation = Atomic<Int>(0)
    /// Helpers still running the current phase.
    private let remaining = Atomic<Int>(0)
    /// Helpers blocked on `condition`, read by the caller after publishing (both sides use
    /// sequentially consistent ordering, so a helper either sees the new phase or is woken).
    private let sleepers = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private nonisolated(unsafe) var body: ((Int) -> Void)?
    private let lock = NSCondition()
    private let exited = DispatchSemaphore(value: 0)

    /// - Parameter spin: idle checks of the phase counter before a helper blocks (about 2 ns each).
    public init(parts: Int, spin: Int = 20_000) {
        precondition(parts >= 1, "LockstepTeam: \(parts) parts")
        self.parts = parts
        self.spin = spin
        for p in 1..<parts {
            let thread = Thread { [unowned(unsafe) self] in self.helper(p) }
            thread.name = "orbit-lockstep-\(p)"
            thread.start()
        }
    }

    deinit {
        stopping.store(true, ordering: .sequentiallyConsistent)
        lock.lock()
        lock.broadcast()
        lock.unlock()
        for _ in 1..<parts { exited.wait() }
    }

    /// Runs `body(0)` on the calling thread and `body(p)`, p ≥ 1, on the helpers; returns when all
    /// have returned.
    public func run(_ body: (Int) -> Void) {
        guard parts > 1 else { return body(0) }
        withoutActuallyEscaping(body) { escaping in
            self.body = escaping
            remaining.store(parts - 1, ordering: .relaxed)
            generation.add(1, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                lock.lock()
                lock.broadcast()
                lock.unlock()
            }
            escaping(0)
            while remaining.load(ordering: .acquiring) > 0 {}
            self.body = nil
        }
    }

    private func helper(_ p: Int) {
        var seen = 0
        while true {
            var idle = 0
            var current = generation.load(ordering: .acquiring)
            while current == seen {
                if stopping.load(ordering: .relaxed) {
                    exited.signal()
                    return
                }
                idle += 1
                if idle >= spin {
                    lock.lock()
                    sleepers.add(1, ordering: .sequentiallyConsistent)
                    while generation.load(ordering: .sequentiallyConsistent) == seen
                        && !stopping.load(ordering: .sequentiallyConsistent)
                    {
                        lock.wait()
                    }
                    sleepers.subtract(1, ordering: .sequentiallyConsistent)
                    lock.unlock()
                    idle = 0
                }
                current = generation.load(ordering: .acquiring)
            }
            seen = current
            body!(p)
            remaining.subtract(1, ordering: .releasing)
        }
    }
}
