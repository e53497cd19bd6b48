/// xoshiro256** (Blackman & Vigna 2018): a fast, seedable 64-bit generator with a 2²⁵⁶ − 1 period.
///
/// The state is expanded from a 64-bit seed with SplitMix64, as the authors recommend, so nearby
/// seeds give unrelated streams. Orbit passes explicit seeds everywhere: the same seed gives the same
/// numbers on every platform.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Hashable {
    private var s0, s1, s2, s3: UInt64

    public init(seed: UInt64) {
        var sm = seed
        func splitMix() -> UInt64 {
            sm &+= 0x9E37_79B9_7F4A_7C15
            var z = sm
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix()
        s1 = splitMix()
        s2 = splitMix()
        s3 = splitMix()
    }

    @inlinable
    static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    public mutating func next() -> UInt64 {
        let result = Self.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = Self.rotl(s3, 45)
        return result
    }

    /// A uniform Double in [0, 1) with 53 random bits.
    public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A standard normal deviate (Marsaglia's polar method; both deviates of a pair are not kept so
    /// the stream position depends only on the number of calls).
    public mutating func nextGaussian() -> Double {
        while true {
            let u = 2 * nextUnitDouble() - 1
            let v = 2 * nextUnitDouble() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                return u * (-2 * log(s) / s).squareRoot()
            }
        }
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
