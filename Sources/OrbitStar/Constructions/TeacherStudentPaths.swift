import Foundation
import OrbitNumerics

extension TeacherStudentMinimum {
    /// The "merging" of Theorem 9's proof (Lin, Li & Wu 2024; docs/math/star.md §2): for each teacher
    /// direction j keep the first neuron of type j, set it to e_j (scale 1), and kill every other
    /// neuron. The result is a minimum (one positive entry per column, summing to 1) and is linearly
    /// connected to `self` by Lemma 7 (each neuron either keeps its type or becomes dead). O(m).
    public func merged() -> TeacherStudentMinimum {
        var assignment: [(neuron: Int, type: Int)] = []
        var seen = [Bool](repeating: false, count: teacherWidth + 1)
        for (i, j) in types.enumerated() where j > 0 && !seen[j] {
            seen[j] = true
            assignment.append((i, j))
        }
        // Every direction is used by a minimum, so the sparse minimum is valid.
        return try! .sparse(
            teacherWidth: teacherWidth, inputDimension: inputDimension, studentWidth: studentWidth,
            assignment: assignment)
    }

    /// Whether the sparse minimum that puts direction j + 1 on neuron `placement[j]` is linearly
    /// connected to `self` (Lemma 7: each of its live neurons is dead or of the same type in `self`).
    func isCompatible(withPlacement placement: [Int]) -> Bool {
        for (j, i) in placement.enumerated() where types[i] != 0 && types[i] != j + 1 { return false }
        return true
    }
}

/// The fewest linear pieces joining two teacher–student minima inside the minimum set, found
/// exactly (Theorem 9 of Lin, Li & Wu 2024, "any two minima are 4-PL connected when m ≥ 2M − 1";
/// docs/math/star.md §2).
///
/// **Reduction to sparse minima.** A *placement* p (an injective map from the M directions to
/// neurons) names the sparse minimum with row p(j) = e_j and every other row zero. If
/// θ₁ ↔ β₁ ↔ ⋯ ↔ β_{k−1} ↔ θ₂ is any k-piece path, replacing each β by the sparse minimum that keeps,
/// per direction, one of β's neurons of that type gives again a k-piece path: by Lemma 7 a segment
/// stays in the minimum set iff no neuron is live with two different types at its ends, and killing
/// neurons never creates such a neuron. So the least number of pieces is 1 if θ₁ ↔ θ₂ and otherwise
/// 1 + the breadth-first distance, in the graph of placements joined by Lemma 7, from the placements
/// compatible with θ₁ to those compatible with θ₂ (or +∞ when none is reachable).
///
/// Cost: P(m, M) = m!/(m − M)! placements, O(P² M) time for the search; the construction refuses
/// more than ``maximumPlacements`` placements.
public enum PiecewiseLinearConnectivity {
    /// Search limit on the number of placements P(m, M).
    public static let maximumPlacements = 20_000

    /// Every injective map from M directions to m neurons, in lexicographic order.
    static func placements(teacherWidth teacherM: Int, studentWidth m: Int) throws(ConstructionError) -> [[Int]] {
        var count = 1.0
        for k in 0..<teacherM { count *= Double(m - k) }
        guard count <= Double(maximumPlacements) else {
            throw .invalidSetting(
                "P(m, M) = \(Int(count)) placements for m = \(m), M = \(teacherM) exceeds \(maximumPlacements)")
        }
        var result: [[Int]] = []
        var current: [Int] = []
        var used = [Bool](repeating: false, count: m)
        func extend() {
            if current.count == teacherM {
                result.append(current)
                return
            }
            for i in 0..<m where !used[i] {
                used[i] = true
                current.append(i)
                extend()
                current.removeLast()
                used[i] = false
            }
        }
        extend()
        return result
    }

    /// Lemma 7 between two placements: no neuron carries two different directions.
    static func adjacent(_ p: [Int], _ q: [Int], owner: inout [Int]) -> Bool {
        for (j, i) in p.enumerated() { owner[i] = j }
        defer { for i in p { owner[i] = -1 } }
        for (k, i) in q.enumerated() where owner[i] >= 0 && owner[i] != k { return false }
        return true
    }

    /// A path with the fewest linear pieces from `a` to `b` through the minimum set: its control
    /// points `[a, β₁, …, b]` (the β sparse minima), or nil when no piecewise linear path exists.
    public static func shortestPath(
        from a: TeacherStudentMinimum, to b: TeacherStudentMinimum
    ) throws(ConstructionError) -> [TeacherStudentMinimum]? {
        try a.requireSameSetting(b)
        if try a.linearConnectivity(to: b).connected { return [a, b] }
        let all = try placements(teacherWidth: a.teacherWidth, studentWidth: a.studentWidth)
        var parent = [Int](repeating: -2, count: all.count)  // -2 unvisited, -1 a start
        var frontier: [Int] = []
        for (k, p) in all.enumerated() where a.isCompatible(withPlacement: p) {
            parent[k] = -1
            frontier.append(k)
        }
        var owner = [Int](repeating: -1, count: a.studentWidth)
        while !frontier.isEmpty {
            if let end = frontier.first(where: { b.isCompatible(withPlacement: all[$0]) }) {
                var chain: [Int] = []
                var k = end
                while k >= 0 {
                    chain.append(k)
                    k = parent[k]
                }
                let middle = try chain.reversed().map { k throws(ConstructionError) in
                    try TeacherStudentMinimum.sparse(
                        teacherWidth: a.teacherWidth, inputDimension: a.inputDimension, studentWidth: a.studentWidth,
                        assignment: all[k].enumerated().map { (neuron: $0.element, type: $0.offset + 1) })
                }
                return [a] + middle + [b]
            }
            var next: [Int] = []
            for k in frontier {
                for l in all.indices where parent[l] == -2 && adjacent(all[k], all[l], owner: &owner) {
                    parent[l] = k
                    next.append(l)
                }
            }
            frontier = next
        }
        return nil
    }

    /// The path of Theorem 9's proof when it exists: a ↔ merge(a) ↔ centre ↔ merge(b) ↔ b, with the
    /// centre from ``TeacherStudentMinimum/twoPieceCentre(with:)`` of the two merged minima; nil when
    /// the merged minima have no common centre (this happens at m = 2M − 1, e.g. merge(a) = (e₁, e₂, 0),
    /// merge(b) = (e₂, e₁, 0), where ``shortestPath(from:to:)`` still finds 3 pieces).
    public static func mergeCentreMerge(
        _ a: TeacherStudentMinimum, _ b: TeacherStudentMinimum
    ) throws(ConstructionError) -> [TeacherStudentMinimum]? {
        let ma = a.merged(), mb = b.merged()
        guard let centre = try ma.twoPieceCentre(with: mb) else { return nil }
        return [a, ma, centre, mb, b]
    }
}
