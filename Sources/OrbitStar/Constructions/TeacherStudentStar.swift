import Foundation
import OrbitNumerics

/// k-foot stars and two-piece geodesic bounds in the teacher–student setting (Lin, Li & Wu 2024,
/// Theorems 10, 11, 12 and 14; docs/math/star.md §2).
public enum TeacherStudentStar {
    /// A centre θ* with θ_i ↔ θ* for every foot (Theorem 10's star), or nil if none exists.
    ///
    /// Exact (the construction of Theorem 10's proof generalised by Lemma 7): neuron i of a centre may
    /// carry direction j only if every foot's type at i is 0 or j. A neuron whose live types (over the
    /// feet) are all j is *dedicated* to j; one dead in every foot is *free*; any other carries
    /// nothing. Dedicated sets are disjoint, so a centre exists iff the number of directions without a
    /// dedicated neuron is at most the number of free neurons. The centre puts e_j on the first neuron
    /// on which every foot has type j (the paper's choice), else on the first dedicated one, else on a
    /// free one; other rows are zero. O(k·m).
    public static func commonCentre(of feet: [TeacherStudentMinimum]) throws(ConstructionError)
        -> TeacherStudentMinimum?
    {
        guard let first = feet.first else { throw .invalidSetting("a star needs at least one foot") }
        for foot in feet.dropFirst() { try first.requireSameSetting(foot) }
        let teacherM = first.teacherWidth, m = first.studentWidth
        var unanimous = [Int?](repeating: nil, count: teacherM + 1)
        var dedicated = [Int?](repeating: nil, count: teacherM + 1)
        var free: [Int] = []
        for i in 0..<m {
            var live = 0, agree = true, allLive = true
            for foot in feet {
                let t = foot.types[i]
                if t == 0 {
                    allLive = false
                } else if live == 0 {
                    live = t
                } else if t != live {
                    agree = false
                }
            }
            if live == 0 {
                free.append(i)
            } else if agree {
                if allLive && unanimous[live] == nil { unanimous[live] = i }
                if dedicated[live] == nil { dedicated[live] = i }
            }
        }
        return try .sparseCentre(
            teacherWidth: teacherM, inputDimension: first.inputDimension, studentWidth: m,
            preferred: (0...teacherM).map { unanimous[$0] ?? dedicated[$0] }, free: free)
    }

    /// Theorem 11's extended star (m ≥ kM): each foot θ_i ↔ merge(θ_i) ↔ θ*, where θ* is a common
    /// centre of the merged feet (``commonCentre(of:)``). The proof: merged feet have M live rows
    /// each, so feet 1…k−1 leave ≥ m − (k − 1)M ≥ M rows dead in all of them, on which the k-th
    /// merged foot has distinct types or zeros — a centre exists, and the exact test finds one.
    /// Returns the merged feet and the centre, or nil when the merged feet have no common centre
    /// (possible only below m = kM). O(k·m).
    public static func extendedCentre(of feet: [TeacherStudentMinimum]) throws(ConstructionError)
        -> (merged: [TeacherStudentMinimum], centre: TeacherStudentMinimum)?
    {
        let merged = feet.map { $0.merged() }
        guard let centre = try commonCentre(of: merged) else { return nil }
        return (merged, centre)
    }

    /// Theorem 10's bound 1 − M((M^k − 1)/M^k)^{m − kM} (as printed; ≤ 0, i.e. vacuous, for small m).
    public static func theorem10Bound(studentWidth m: Int, teacherWidth teacherM: Int, feet k: Int) -> Double {
        let mk = pow(Double(teacherM), Double(k))
        return 1 - Double(teacherM) * pow((mk - 1) / mk, Double(m - k * teacherM))
    }

    /// The exact P(k i.i.d. minima have a common centre) under ``NeuronTypeDistribution/liveUniform``
    /// with the sampler's rejection of unused directions. No neuron is dead, so a centre exists iff
    /// every direction j has a neuron of type j in all k feet (event C, each neuron all-j with
    /// probability M^{−k}); C implies every foot uses every direction (events A_i), so
    /// P(C | ∩A_i) = P(C)/P(A)^k with, by inclusion–exclusion,
    /// P(C) = Σ_s (−1)^s C(M, s)(1 − s/M^k)^m and P(A) = Σ_s (−1)^s C(M, s)(1 − s/M)^m.
    /// Our derivation (not in the paper; k = 2 is ``TwoPieceConnectivity/exactProbability``). O(M).
    public static func exactProbability(studentWidth m: Int, teacherWidth teacherM: Int, feet k: Int) -> Double {
        var c = 0.0, a = 0.0, binomial = 1.0
        let big = Double(teacherM), mk = pow(big, Double(k))
        for s in 0...teacherM {
            let sign = s % 2 == 0 ? 1.0 : -1.0
            c += sign * binomial * pow(1 - Double(s) / mk, Double(m))
            a += sign * binomial * pow(1 - Double(s) / big, Double(m))
            binomial = binomial * Double(teacherM - s) / Double(s + 1)
        }
        return min(1, max(0, c / pow(a, Double(k))))
    }

    /// An upper bound on the normalised geodesic distance G(a, b) by a two-piece path through a
    /// centre chosen column by column (the construction behind Theorems 12 and 14, Lemmas 19–22):
    ///
    /// For direction j let S_j be the neurons dedicated to j (types (j, j), (j, 0), (0, j)), plus the
    /// neurons dead in both feet dealt round-robin to the directions. With u¹, u² the feet's column-j
    /// entries, the centre's column minimises Σ_{i∈S_j} (v_i − u¹_i)² + (v_i − u²_i)² subject to
    /// Σ_i v_i = 1: v_i = (u¹_i + u²_i)/2 + λ_j, λ_j = (1 − Σ_{S_j}(u¹_i + u²_i)/2)/|S_j| ≥ 0 (the feet's
    /// column sums are 1), so v > 0 and the centre is a minimum linearly connected to both feet
    /// (Lemma 7). The bound is G ≤ (‖a − θ*‖ + ‖θ* − b‖)/‖a − b‖ (the fold-line's length). Returns
    /// nil when some direction has no neuron available (no two-piece path exists). O(m).
    public static func twoPieceGeodesicBound(_ a: TeacherStudentMinimum, _ b: TeacherStudentMinimum)
        throws(ConstructionError) -> (centre: TeacherStudentMinimum, bound: Double)?
    {
        try a.requireSameSetting(b)
        let teacherM = a.teacherWidth, m = a.studentWidth
        var support = [[Int]](repeating: [], count: teacherM + 1)
        var free: [Int] = []
        for i in 0..<m {
            let s = a.types[i], t = b.types[i]
            if s == 0 && t == 0 {
                free.append(i)
            } else if s == 0 || t == 0 || s == t {
                support[max(s, t)].append(i)
            }
        }
        for (k, i) in free.enumerated() { support[1 + k % teacherM].append(i) }
        var types = [Int](repeating: 0, count: m)
        var scales = [Double](repeating: 0, count: m)
        for j in 1...teacherM {
            guard !support[j].isEmpty else { return nil }
            func entry(_ x: TeacherStudentMinimum, _ i: Int) -> Double { x.types[i] == j ? x.scales[i] : 0 }
            let mean = support[j].reduce(0.0) { $0 + (entry(a, $1) + entry(b, $1)) / 2 }
            let lift = max(0, 1 - mean) / Double(support[j].count)
            // A free neuron gets nothing when the feet's own neurons already carry the whole column.
            for i in support[j] {
                let v = (entry(a, i) + entry(b, i)) / 2 + lift
                if v > 0 {
                    types[i] = j
                    scales[i] = v
                }
            }
        }
        let centre = try TeacherStudentMinimum(
            teacherWidth: teacherM, inputDimension: a.inputDimension, types: types, scales: scales)
        let wa = a.weightMatrix, wb = b.weightMatrix, wc = centre.weightMatrix
        let direct = (wa - wb).sumOfSquares().squareRoot()
        guard direct > 0 else { return (centre, 1) }
        let length = (wa - wc).sumOfSquares().squareRoot() + (wc - wb).sumOfSquares().squareRoot()
        return (centre, length / direct)
    }

    /// A lower bound on (‖a − θ‖ + ‖θ − b‖)/‖a − b‖ over **every** centre θ linearly connected to both
    /// (so on every two-piece path). On the set C of *conflicting* neurons (live in both with different
    /// types) any such centre is zero (Lemma 7), so with A = ‖a_C‖², B = ‖b_C‖² and N the rest,
    /// ‖x‖ + ‖y‖ ≥ ‖(‖x_C‖ + ‖y_C‖, ‖x_N‖ + ‖y_N‖)‖ (Minkowski) ≥ √((√A + √B)² + ‖(a − b)_N‖²), divided
    /// by ‖a − b‖ = √(A + B + ‖(a − b)_N‖²). It exceeds 1 whenever C carries weight in both. O(m).
    public static func twoPieceLowerBound(_ a: TeacherStudentMinimum, _ b: TeacherStudentMinimum) -> Double {
        var conflictA = 0.0, conflictB = 0.0, rest = 0.0
        for i in 0..<a.studentWidth {
            let s = a.types[i], t = b.types[i]
            if s != 0 && t != 0 && s != t {
                conflictA += a.scales[i] * a.scales[i]
                conflictB += b.scales[i] * b.scales[i]
            } else if s == t {
                rest += (a.scales[i] - b.scales[i]) * (a.scales[i] - b.scales[i])
            } else {
                rest += a.scales[i] * a.scales[i] + b.scales[i] * b.scales[i]
            }
        }
        let total = conflictA + conflictB + rest
        guard total > 0 else { return 1 }
        let crossing = conflictA.squareRoot() + conflictB.squareRoot()
        return ((crossing * crossing + rest) / total).squareRoot()
    }
}
