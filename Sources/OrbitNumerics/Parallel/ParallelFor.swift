import Dispatch

/// Splits `0..<count` into contiguous chunks and runs `body` on them across ``Threading/threadCount``
/// threads, or inline when the work is too small to pay for waking a worker.
///
/// Waking an idle thread on these VMs costs 0.8–3.5 ms (docs/numerics-measurements.md §2), so loops run
/// serially unless `count × costPerElement` exceeds `parallelThreshold` (≈ 1 ms of work at
/// ~1 ns per unit). Chunk boundaries depend only on `count` and the thread count, so results that
/// are combined in chunk order are deterministic for a given thread count.
@inlinable
public func parallelChunks(
    count: Int, costPerElement: Int = 1, parallelThreshold: Int = 1 << 20,
    _ body: @Sendable (_ chunk: Int, _ range: Range<Int>) -> Void
) {
    let chunks = chunkCount(count: count, costPerElement: costPerElement, parallelThreshold: parallelThreshold)
    if chunks == 1 {
        body(0, 0..<count)
        return
    }
    DispatchQueue.concurrentPerform(iterations: chunks) { c in
        body(c, chunkRange(c, of: chunks, count: count))
    }
}

/// The number of chunks ``parallelChunks(count:costPerElement:parallelThreshold:_:)`` uses.
@inlinable
public func chunkCount(count: Int, costPerElement: Int = 1, parallelThreshold: Int = 1 << 20) -> Int {
    let threads = Threading.threadCount
    if threads == 1 || count < 2
        || count.multipliedReportingOverflow(by: costPerElement).partialValue < parallelThreshold
    {
        return 1
    }
    return min(threads, count)
}

/// The `c`-th of `chunks` near-equal contiguous ranges covering `0..<count`.
@inlinable
public func chunkRange(_ c: Int, of chunks: Int, count: Int) -> Range<Int> {
    let base = count / chunks
    let extra = count % chunks
    let lower = c * base + min(c, extra)
    return lower..<(lower + base + (c < extra ? 1 : 0))
}
