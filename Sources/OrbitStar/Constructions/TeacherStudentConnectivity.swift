import Foundation
import OrbitNumerics

/// Lemma 7's verdict on the segment between two teacher–student minima.
public struct LinearConnectivityVerdict: Sendable, Hashable {
    /// True iff the whole segment lies in the minimum set.
    public let connected: Bool
    /// The neurons i whose types are two different live directions (w_i^(1) ∈ S_j, w_i^(2) ∈ S_k,
    /// j ≠ k ≥ 1): each one breaks connectivity.
    public let conflictingNeurons: [Int]
}

extension TeacherStudentMinimum {
    /// **Lemma 7** (Lin, Li & Wu 2024; docs/math/star.md §2): W⁽¹⁾ ↔ W⁽²⁾ (the segment lies in the minimum
    /// set) iff for every neuron i, w_i⁽¹⁾ ∈ S_0, or w_i⁽²⁾ ∈ S_0, or both lie in the same S_j.
    ///
    /// Why (the implemented form): column sums are linear, so they stay 1 along the segment; row i of
    /// tW⁽¹⁾ + (1 − t)W⁽²⁾ is in S_0 ∪ … ∪ S_M for every t iff its two ends are not positive multiples of
    /// two different e_j (otherwise it has two positive entries for t ∈ (0, 1)). O(m).
    public func linearConnectivity(to other: TeacherStudentMinimum) throws(ConstructionError)
        -> LinearConnectivityVerdict
    {
        try requireSameSetting(other)
        let conflicts = (0..<studentWidth).filter { i in
            types[i] != 0 && other.types[i] != 0 && types[i] != other.types[i]
        }
        return LinearConnectivityVerdict(connected: conflicts.isEmpty, conflictingNeurons: conflicts)
    }

    /// A centre θ* in the minimum set with self ↔ θ* ↔ other (a 2-piece linear path), or nil if none
    /// exists. This is the construction of Theorem 8's proof, made exact:
    ///
    /// By Lemma 7 a centre's neuron i may be live of type j only if both feet's types at i are in
    /// {0, j}. A neuron with types (j, j), (j, 0) or (0, j) can carry only direction j; a neuron (0, 0)
    /// can carry any; a neuron (j, k), j ≠ k, none. The centre needs one live neuron per direction
    /// (column sums 1, positive entries) and may kill the rest, so a centre exists **iff** the number
    /// of directions with no dedicated neuron is at most the number of (0, 0) neurons. The returned
    /// centre puts e_j (scale 1) on the first (j, j) neuron — the paper's choice — else on the first
    /// (j, 0)/(0, j) neuron, else on an unused (0, 0) neuron, and kills every other neuron. O(m).
    ///
    /// With ``NeuronTypeDistribution/liveUniform`` types there are no dead neurons, and the test
    /// reduces to the paper's event "every direction j has a neuron of type (j, j)".
    public func twoPieceCentre(with other: TeacherStudentMinimum) throws(ConstructionError)
        -> TeacherStudentMinimum?
    {
        try requireSameSetting(other)
        let m = studentWidth, teacherM = teacherWidth
        var shared = [Int?](repeating: nil, count: teacherM + 1)
        var oneSided = [Int?](repeating: nil, count: teacherM + 1)
        var free: [Int] = []
        for i in 0..<m {
            let a = types[i], b = other.types[i]
            switch (a, b) {
            case (0, 0): free.append(i)
            case (0, _): if oneSided[b] == nil { oneSided[b] = i }
            case (_, 0): if oneSided[a] == nil { oneSided[a] = i }
            default: if a == b && shared[a] == nil { shared[a] = i }
            }
        }
        return try .sparseCentre(
            teacherWidth: teacherM, inputDimension: inputDimension, studentWidth: m,
            preferred: (0...teacherM).map { shared[$0] ?? oneSided[$0] }, free: free)
    }

    func requireSameSetting(_ other: TeacherStudentMinimum) throws(ConstructionError) {
        guard
            other.teacherWidth == teacherWidth && other.inputDimension == inputDimension
                && other.studentWidth == studentWidth
        else {
            throw .shapeMismatch(
                tensor: "minimum", expected: "M=\(teacherWidth), d=\(inputDimension), m=\(studentWidth)",
                got: "M=\(other.teacherWidth), d=\(other.inputDimension), m=\(other.studentWidth)")
        }
    }
}

/// A binomial proportion k/n with a Wilson score interval (Wilson 1927): for z the normal quantile,
/// centre (p̂ + z²/2n)/(1 + z²/n), half-width z·√(p̂(1 − p̂)/n + z²/4n²)/(1 + z²/n). Unlike the Wald
/// interval it stays inside [0, 1] and is not degenerate at p̂ = 0 or 1.
public struct BinomialEstimate: Sendable, Hashable {
    public let successes: Int
    public let trials: Int
    /// The normal quantile of the interval (1.96 for 95 %).
    public let z: Double

    public init(successes: Int, trials: Int, z: Double = 1.96) {
        precondition(trials > 0 && successes >= 0 && successes <= trials, "\(successes) of \(trials)")
        self.successes = successes
        self.trials = trials
        self.z = z
    }

    /// p̂ = k/n.
    public var estimate: Double { Double(successes) / Double(trials) }

    /// The Wilson score interval.
    public var interval: ClosedRange<Double> {
        let n = Double(trials), p = estimate, z2 = z * z
        let denominator = 1 + z2 / n
        let centre = (p + z2 / (2 * n)) / denominator
        let half = z * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot() / denominator
        return max(0, centre - half)...min(1, centre + half)
    }
}

/// Theorem 8 (Lin, Li & Wu 2024; docs/math/star.md §2): for m > M and two minima drawn independently,
/// P(2-piece linearly connected) ≥ p_{m,M} = 1 − M·((M² − 1)/M²)^{m − 2M}.
///
/// Form implemented: the bound exactly as printed (the exponent m − 2M; for m ≤ 2M + M² log M it is
/// ≤ 0, i.e. vacuous, and is reported as printed, possibly negative). The probability is over the
/// proof's sampling convention, ``NeuronTypeDistribution/liveUniform`` (a pair (j, j) has
/// probability 1/M²), with the rejection of unused directions of ``TeacherStudentSampler``.
public enum TwoPieceConnectivity {
    /// p_{m,M} = 1 − M·((M² − 1)/M²)^{m − 2M}.
    public static func theorem8Bound(studentWidth m: Int, teacherWidth teacherM: Int) -> Double {
        let q = Double(teacherM * teacherM - 1) / Double(teacherM * teacherM)
        return 1 - Double(teacherM) * pow(q, Double(m - 2 * teacherM))
    }

    /// The exact P(2-piece connected) under ``NeuronTypeDistribution/liveUniform`` with the sampler's
    /// rejection of unused directions. There are no dead neurons, so a centre exists iff every
    /// direction j has a neuron of type pair (j, j) (event C); C implies that both minima use every
    /// direction (events A, B), so P(C | A ∩ B) = P(C)/(P(A)·P(B)), with, by inclusion–exclusion,
    ///
    ///     P(C) = Σ_{s=0}^{M} (−1)^s C(M, s) (1 − s/M²)^m,   P(A) = Σ_{s=0}^{M} (−1)^s C(M, s) (1 − s/M)^m.
    ///
    /// Our own derivation (not in the paper); it lets the report compare the bound with the exact value
    /// as well as with the Monte-Carlo estimate. O(M).
    public static func exactProbability(studentWidth m: Int, teacherWidth teacherM: Int) -> Double {
        var c = 0.0, a = 0.0, binomial = 1.0
        let big = Double(teacherM)
        for s in 0...teacherM {
            let sign = s % 2 == 0 ? 1.0 : -1.0
            c += sign * binomial * pow(1 - Double(s) / (big * big), Double(m))
            a += sign * binomial * pow(1 - Double(s) / big, Double(m))
            binomial = binomial * Double(teacherM - s) / Double(s + 1)
        }
        return min(1, max(0, c / (a * a)))
    }

    /// Monte-Carlo estimate of P(2-piece connected) for `trials` independent pairs of minima from
    /// `sampler`, decided exactly by ``TeacherStudentMinimum/twoPieceCentre(with:)``. O(trials·m).
    public static func estimate(
        sampler: TeacherStudentSampler, trials: Int, generator g: inout SeededGenerator
    ) throws(ConstructionError) -> BinomialEstimate {
        guard trials > 0 else { throw .invalidSetting("need at least one trial, got \(trials)") }
        var successes = 0
        for _ in 0..<trials {
            let a = try sampler.sample(using: &g)
            let b = try sampler.sample(using: &g)
            if try a.twoPieceCentre(with: b) != nil { successes += 1 }
        }
        return BinomialEstimate(successes: successes, trials: trials)
    }
}
