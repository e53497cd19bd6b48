import Foundation
import OrbitNumerics

/// How neuron types of a random teacher–student minimum are drawn (docs/math/star.md §2, "sampling
/// ambiguity": "Unif(M)" is not a well-defined measure on the minimum set, which is a union of pieces
/// of different dimensions, so each proof fixes its own convention).
public enum NeuronTypeDistribution: Sendable, Hashable, CustomStringConvertible {
    /// Theorem 8's proof: each neuron's type uniform on the M live types {1…M} (no dead neurons), so a
    /// neuron has type pair (j, j) in two independent minima with probability 1/M².
    case liveUniform
    /// Theorem 12's proof: each neuron's type uniform on {0, 1, …, M} (dead included, 1/(M+1) each).
    case uniformWithDead
    /// Definition 13, SP(M, r): dead with probability r, else uniform on the M live types.
    case sparse(deadProbability: Double)

    /// P(type = 0) for a teacher of width M.
    public func probabilityDead(teacherWidth m: Int) -> Double {
        switch self {
        case .liveUniform: return 0
        case .uniformWithDead: return 1 / Double(m + 1)
        case .sparse(let r): return r
        }
    }

    public var description: String {
        switch self {
        case .liveUniform: return "types uniform on {1…M} (Thm 8)"
        case .uniformWithDead: return "types uniform on {0…M} (Thm 12)"
        case .sparse(let r): return "SP(M, r = \(r)) (Def 13)"
        }
    }
}

/// A seeded sampler of Theorem 6 minima (docs/math/star.md §2, "sampling ambiguity"):
///
/// 1. draw the m neuron types i.i.d. from ``distribution``;
/// 2. reject and redraw all of them if some teacher direction j ∈ [M] has no neuron (a minimum needs
///    Σ_i w_{i,j} = 1 with positive entries, so every direction is used);
/// 3. draw each direction's scales from a flat Dirichlet over its n_j neurons (normalised
///    exponentials, α = E/ΣE with E ~ Exp(1)), so that they sum to 1.
///
/// Cost O(m) per attempt; the expected number of attempts is 1/P(every direction used).
public struct TeacherStudentSampler: Sendable {
    public let teacherWidth: Int
    public let inputDimension: Int
    public let studentWidth: Int
    public let distribution: NeuronTypeDistribution
    /// Give up after this many rejected type draws (only reachable for extreme sparsity).
    public var maximumAttempts = 100_000

    public init(
        teacherWidth: Int, inputDimension: Int, studentWidth: Int,
        distribution: NeuronTypeDistribution = .liveUniform
    ) throws(ConstructionError) {
        guard teacherWidth >= 1, inputDimension >= teacherWidth else {
            throw .invalidSetting("need 1 ≤ M ≤ d, got M = \(teacherWidth), d = \(inputDimension)")
        }
        guard studentWidth >= teacherWidth else {
            throw .invalidSetting("Theorem 6 needs m ≥ M, got m = \(studentWidth), M = \(teacherWidth)")
        }
        if case .sparse(let r) = distribution, !(r >= 0 && r < 1) {
            throw .invalidSetting("SP(M, r) needs 0 ≤ r < 1, got r = \(r)")
        }
        self.teacherWidth = teacherWidth
        self.inputDimension = inputDimension
        self.studentWidth = studentWidth
        self.distribution = distribution
    }

    /// One neuron type.
    func drawType(_ g: inout SeededGenerator) -> Int {
        let dead = distribution.probabilityDead(teacherWidth: teacherWidth)
        if dead > 0 && g.nextUnitDouble() < dead { return 0 }
        return 1 + Int(g.next() % UInt64(teacherWidth))
    }

    /// A random minimum (see the type's documentation).
    public func sample(using g: inout SeededGenerator) throws(ConstructionError) -> TeacherStudentMinimum {
        var types = [Int](repeating: 0, count: studentWidth)
        var attempts = 0
        while true {
            attempts += 1
            guard attempts <= maximumAttempts else {
                throw .invalidSetting(
                    "no type draw used every teacher direction in \(maximumAttempts) attempts (\(distribution))")
            }
            var used = [Bool](repeating: false, count: teacherWidth + 1)
            for i in 0..<studentWidth {
                types[i] = drawType(&g)
                used[types[i]] = true
            }
            if used[1...].allSatisfy({ $0 }) { break }
        }
        var scales = types.map { $0 == 0 ? 0.0 : -log(1 - g.nextUnitDouble()) }
        var totals = [Double](repeating: 0, count: teacherWidth + 1)
        for i in 0..<studentWidth { totals[types[i]] += scales[i] }
        for i in 0..<studentWidth where types[i] > 0 { scales[i] /= totals[types[i]] }
        return try TeacherStudentMinimum(
            teacherWidth: teacherWidth, inputDimension: inputDimension, types: types, scales: scales)
    }
}
