import OrbitNumerics

/// Hands each execution step the buffer its output goes to. A training workspace keeps every
/// output (backward reads them), so each step gets its own buffer; a forward-only workspace reuses
/// a buffer once the last step reading it has run (liveness over the plan's steps), so a ResNet
/// evaluated in batches of 1000 holds a few activations at a time instead of one per node.
final class OutputBuffers<Scalar: BLASScalar> {
    let reusing: Bool
    /// The step whose output is being placed, and the last step that reads it.
    private var step = 0
    private var lastUse = 0
    private var pool: [(buffer: AlignedBuffer<Scalar>, freeAfter: Int)] = []

    init(reusing: Bool) { self.reusing = reusing }

    func begin(step: Int, lastUse: Int) {
        self.step = step
        self.lastUse = lastUse
    }

    /// A buffer of at least `count` scalars for the current step's output.
    func output(count: Int) -> AlignedBuffer<Scalar> {
        guard reusing else { return AlignedBuffer(repeating: 0, count: count) }
        // The smallest free buffer that fits; a buffer read by this step is not free yet.
        var best: Int?
        for (i, entry) in pool.enumerated() where entry.freeAfter < step && entry.buffer.count >= count {
            if best == nil || entry.buffer.count < pool[best!].buffer.count { best = i }
        }
        if let best {
            pool[best].freeAfter = lastUse
            return pool[best].buffer
        }
        let buffer = AlignedBuffer<Scalar>(repeating: 0, count: count)
        pool.append((buffer, lastUse))
        return buffer
    }
}
