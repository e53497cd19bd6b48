import Foundation
import Synchronization
import Testing

@testable import OrbitNumerics

/// ``LockstepTeam`` runs every part exactly once per call, the caller's part on the calling thread,
/// through phases in quick succession (the spinning hand-over) and after idle gaps long enough for
/// the helpers to block (the condition-variable wake-up); a team is released without hanging.
@Suite struct LockstepTeamTests {
    final class Counts: @unchecked Sendable {
        var values: [Int]
        init(_ n: Int) { values = Array(repeating: 0, count: n) }
    }

    @Test(arguments: [1, 2, 3])
    func everyPartRunsOncePerCall(parts: Int) throws {
        let counts = Counts(parts)
        let callers = Counts(1)
        do {
            // A short spin so that the gaps below make the helpers block between calls.
            let team = LockstepTeam(parts: parts, spin: 200)
            let caller = pthread_self()
            for call in 0..<2000 {
                team.run { p in
                    counts.values[p] += 1
                    if p == 0, pthread_equal(pthread_self(), caller) != 0 { callers.values[0] += 1 }
                }
                // After every call each part has run exactly `call + 1` times: run waits for all.
                #expect(counts.values.allSatisfy { $0 == call + 1 }, "call \(call): \(counts.values)")
                if call % 250 == 0 { usleep(2000) }
            }
        }
        #expect(callers.values[0] == 2000)
    }

    final class Flags: Sendable {
        let first = Atomic<Bool>(false)
        let second = Atomic<Bool>(false)
        func flag(_ p: Int) -> Bool {
            p == 0 ? first.load(ordering: .sequentiallyConsistent) : second.load(ordering: .sequentiallyConsistent)
        }
        func set(_ p: Int, _ v: Bool) {
            if p == 0 {
                first.store(v, ordering: .sequentiallyConsistent)
            } else {
                second.store(v, ordering: .sequentiallyConsistent)
            }
        }
    }

    @Test func partsRunConcurrently() throws {
        // Each part waits for the other's flag: only parts that run at the same time both finish.
        let team = LockstepTeam(parts: 2)
        let flags = Flags()
        for _ in 0..<50 {
            flags.set(0, false)
            flags.set(1, false)
            team.run { p in
                flags.set(p, true)
                while !flags.flag(1 - p) {}
            }
        }
    }
}
