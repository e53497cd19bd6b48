import Dispatch
import Foundation
import OrbitNumerics

/// The part-parallel reduction every evaluator runs: the n rows of a split are cut into contiguous
/// parts, one per core, each streamed by its own forward-only workspace with single-threaded BLAS (no
/// synchronisation inside the pass, and the elementwise work between the GEMMs runs on every core —
/// BLAS's own split of a 1000-row GEMM leaves it on one); the parts' sums are then added in part
/// order, so the result is deterministic for a given thread count (not across thread counts: the
/// summation order differs).
public enum EvaluationParts {
    /// How many contiguous parts an evaluation pass over n rows is cut into: one per thread, unless the
    /// parts would be thinner than 256 rows or `ORBIT_NO_BATCH_SPLIT` is set (for A/B timing).
    public static func count(rows: Int) -> Int {
        let threads = Threading.threadCount
        guard threads > 1, ProcessInfo.processInfo.environment["ORBIT_NO_BATCH_SPLIT"] == nil else { return 1 }
        return Swift.max(1, Swift.min(threads, rows / 256))
    }

    /// The sums at `points` points over rows 0..<`rows`: `part` accumulates the sums of its rows (a
    /// contiguous range, ``chunkRange(_:of:count:)``) into its own zeroed array, the parts running
    /// concurrently with single-threaded BLAS when there is more than one; the result is
    /// Σ_p part_p[j] for each point j, added in part order. `part` runs on several threads at once:
    /// everything it writes besides its `sums` must belong to that part (its own workspace and loader).
    /// Cost: that of the parts plus O(parts·points).
    public static func sums(
        rows: Int, points: Int, _ part: (_ rows: Range<Int>, _ sums: inout [MetricSums]) -> Void
    ) -> [MetricSums] {
        let parts = count(rows: rows)
        let partSums = UnsafeMutableBufferPointer<[MetricSums]>.allocate(capacity: parts)
        // One array per part, allocated here: no part writes into storage another part shares.
        for p in 0..<parts {
            (partSums.baseAddress! + p).initialize(to: [MetricSums](repeating: MetricSums(), count: points))
        }
        defer {
            partSums.deinitialize()
            partSums.deallocate()
        }
        withoutActuallyEscaping(part) { part in
            let shared = UncheckedSendable((part, partSums))
            Threading.withSingleThreadedBLAS(when: parts > 1) {
                DispatchQueue.concurrentPerform(iterations: parts) { p in
                    let (part, partSums) = shared.value
                    part(chunkRange(p, of: parts, count: rows), &partSums[p])
                }
            }
        }
        var total = [MetricSums](repeating: MetricSums(), count: points)
        for p in 0..<parts {
            for j in 0..<points { total[j].add(partSums[p][j]) }
        }
        return total
    }
}
