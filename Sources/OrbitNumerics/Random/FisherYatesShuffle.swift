/// Fisher–Yates (Durstenfeld's in-place form) with Lemire's unbiased bounded integers, written out
/// so that the order depends only on the generator: the standard library's `shuffle(using:)`,
/// `shuffled(using:)` and `random(in:using:)` do not promise to keep their algorithms, and a seed must
/// reproduce a run (a resumed training epoch, a drawn permutation) on every toolchain.
///
/// For i = n−1 down to 1, swap element i with element j, j uniform in 0…i: j is the high word of
/// x·(i+1) for a 64-bit draw x, redrawn while the low word falls below 2⁶⁴ mod (i+1) (Lemire 2019,
/// "Fast random integer generation in an interval"). Every one of the n! orders is equally likely.
/// Cost O(n) swaps and about n − 1 draws.
public func fisherYatesShuffle<T>(_ buffer: UnsafeMutableBufferPointer<T>, using generator: inout SeededGenerator) {
    var i = buffer.count - 1
    while i > 0 {
        let bound = UInt64(i + 1)
        var m = generator.next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = generator.next().multipliedFullWidth(by: bound) }
        }
        buffer.swapAt(i, Int(m.high))
        i -= 1
    }
}

/// A uniformly random permutation of 0..<count from ``fisherYatesShuffle(_:using:)``: the same
/// generator state gives the same permutation on every platform and toolchain.
public func fisherYatesPermutation(count: Int, using generator: inout SeededGenerator) -> [Int] {
    var order = Array(0..<count)
    order.withUnsafeMutableBufferPointer { fisherYatesShuffle($0, using: &generator) }
    return order
}
