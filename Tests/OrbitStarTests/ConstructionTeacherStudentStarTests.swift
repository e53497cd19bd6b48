import Foundation
import OrbitData
import OrbitNumerics
import OrbitPaths
import Testing

@testable import OrbitStar

@Suite("Constructions: teacher–student paths and stars (Thms 9–14)")
struct ConstructionTeacherStudentStarTests {
    /// A minimum from types with equal scales per direction.
    static func minimum(_ types: [Int], teacherWidth: Int = 2, d: Int = 3) throws -> TeacherStudentMinimum {
        var counts = [Int](repeating: 0, count: teacherWidth + 1)
        for t in types { counts[t] += 1 }
        return try TeacherStudentMinimum(
            teacherWidth: teacherWidth, inputDimension: d, types: types,
            scales: types.map { $0 == 0 ? 0 : 1 / Double(counts[$0]) })
    }

    /// Every consecutive pair of `path` is linearly connected (Lemma 7) and its segment has zero
    /// measured loss.
    static func expectZeroLossPieces(_ path: [TeacherStudentMinimum]) throws {
        let first = path[0]
        let data = ConstructionData.teacherStudent(
            teacherWidth: first.teacherWidth, inputDimension: first.inputDimension, samples: 300, seed: 3)
        for (p, q) in zip(path, path.dropFirst()) {
            #expect(try p.linearConnectivity(to: q).connected)
            let peak = try ConstructionData.maximumLoss(
                network: first.network, path: .line(p.parameters(), q.parameters()), on: data,
                t: PathProfile.grid(points: 7))
            #expect(peak < 1e-9, "piece loss \(peak)")
        }
    }

    /// Known answer (worked by hand): with M = 2, m = 3 = 2M − 1, a = (e₁, e₂, 0) and b = (e₂, e₁, 0)
    /// conflict on neurons 0 and 1 (no segment), and a centre would need the one free neuron for
    /// both directions (no 2 pieces), but moving one direction at a time through neuron 2 takes 3.
    /// The proof's merge–centre–merge path does not exist for this pair.
    @Test func derangedPairNeedsThreePieces() throws {
        let a = try Self.minimum([1, 2, 0]), b = try Self.minimum([2, 1, 0])
        let path = try #require(try PiecewiseLinearConnectivity.shortestPath(from: a, to: b))
        #expect(path.count - 1 == 3)
        #expect(path.first == a && path.last == b)
        try Self.expectZeroLossPieces(path)
        #expect(try PiecewiseLinearConnectivity.mergeCentreMerge(a, b) == nil)
    }

    /// Known answers: a minimum reaches itself in 1 piece; below the width condition (m = 2 = 2M − 2)
    /// the deranged pair has no path at all (its only placements conflict).
    @Test func trivialAndDisconnectedPairs() throws {
        let a = try Self.minimum([1, 2, 0])
        #expect(try PiecewiseLinearConnectivity.shortestPath(from: a, to: a)?.count == 2)
        let c = try Self.minimum([1, 2]), d = try Self.minimum([2, 1])
        #expect(try PiecewiseLinearConnectivity.shortestPath(from: c, to: d) == nil)
    }

    /// Theorem 9 on every pair of type patterns for M = 2, m = 3 and 4: at most 4 pieces, and every
    /// path's pieces have zero loss (checked on a few).
    @Test func theorem9HoldsForEveryPatternPair() throws {
        for m in [3, 4] {
            var patterns: [[Int]] = []
            for code in 0..<Int(pow(3.0, Double(m))) {
                var c = code
                let types = (0..<m).map { _ in
                    defer { c /= 3 }
                    return c % 3
                }
                if types.contains(1) && types.contains(2) { patterns.append(types) }
            }
            var worst = 0
            for (k, pa) in patterns.enumerated() {
                for pb in patterns {
                    let path = try #require(
                        try PiecewiseLinearConnectivity.shortestPath(
                            from: try Self.minimum(pa), to: try Self.minimum(pb)))
                    worst = max(worst, path.count - 1)
                    if k < 2 { try Self.expectZeroLossPieces(path) }
                }
            }
            #expect(worst <= 4, "m = \(m): \(worst) pieces")
        }
    }

    /// The k-foot centre agrees with Theorem 8's two-foot centre, and its k = 2 formulas with Thm 8's.
    @Test func commonCentreGeneralisesTheTwoFootCentre() throws {
        var g = SeededGenerator(seed: 5)
        for distribution in [NeuronTypeDistribution.liveUniform, .uniformWithDead] {
            let sampler = try TeacherStudentSampler(
                teacherWidth: 3, inputDimension: 3, studentWidth: 9, distribution: distribution)
            for _ in 0..<200 {
                let a = try sampler.sample(using: &g), b = try sampler.sample(using: &g)
                let two = try a.twoPieceCentre(with: b)
                let k = try TeacherStudentStar.commonCentre(of: [a, b])
                #expect((two == nil) == (k == nil))
                if let k {
                    #expect(try a.linearConnectivity(to: k).connected && b.linearConnectivity(to: k).connected)
                }
            }
        }
        for m in [8, 20, 50] {
            #expect(
                abs(
                    TeacherStudentStar.exactProbability(studentWidth: m, teacherWidth: 3, feet: 2)
                        - TwoPieceConnectivity.exactProbability(studentWidth: m, teacherWidth: 3)) < 1e-12)
            #expect(
                abs(
                    TeacherStudentStar.theorem10Bound(studentWidth: m, teacherWidth: 3, feet: 2)
                        - TwoPieceConnectivity.theorem8Bound(studentWidth: m, teacherWidth: 3)) < 1e-12)
        }
    }

    /// Known answers for three feet: a shared (1, 2) prefix is a centre; full conflict with no free
    /// neuron has none.
    @Test func commonCentreKnownAnswers() throws {
        let feet = try [[1, 2, 1, 2], [1, 2, 2, 1], [1, 2, 0, 0]].map { try Self.minimum($0) }
        let centre = try #require(try TeacherStudentStar.commonCentre(of: feet))
        #expect(centre.types == [1, 2, 0, 0] && centre.scales == [1, 1, 0, 0])
        let clash = try [[1, 2, 1], [2, 1, 2], [1, 2, 2]].map { try Self.minimum($0) }
        #expect(try TeacherStudentStar.commonCentre(of: clash) == nil)
    }

    /// Theorem 11: at m = kM every tuple of sparse feet (the hardest: fewest shared dead neurons) has
    /// an extended star — all pairs for M = 2, k = 2, m = 4 — and its arms have zero loss.
    @Test func theorem11ExtendedStarsExistAtKM() throws {
        let placements = try PiecewiseLinearConnectivity.placements(teacherWidth: 2, studentWidth: 4)
        let feet = try placements.map { p in
            var types = [0, 0, 0, 0]
            for (j, i) in p.enumerated() { types[i] = j + 1 }
            return try Self.minimum(types)
        }
        for a in feet {
            for b in feet {
                let star = try #require(try TeacherStudentStar.extendedCentre(of: [a, b]))
                for (foot, merged) in zip([a, b], star.merged) {
                    #expect(try foot.linearConnectivity(to: merged).connected)
                    #expect(try merged.linearConnectivity(to: star.centre).connected)
                }
            }
        }
        let star = try #require(try TeacherStudentStar.extendedCentre(of: [feet[1], feet[5]]))
        try Self.expectZeroLossPieces([feet[1], star.merged[0], star.centre, star.merged[1], feet[5]])
    }

    /// Known answers for the two-piece geodesic bound: two minima sharing direction 1's neuron give
    /// the midpoint centre (bound 1); fully conflicting minima with two free neurons give bound 2 and
    /// lower bound √2 (worked by hand in the doc comments' notation).
    @Test func geodesicBoundKnownAnswers() throws {
        let a = try TeacherStudentMinimum(
            teacherWidth: 2, inputDimension: 2, types: [1, 2, 0], scales: [1, 1, 0])
        let b = try TeacherStudentMinimum(
            teacherWidth: 2, inputDimension: 2, types: [1, 2, 1], scales: [0.5, 1, 0.5])
        let (centre, bound) = try #require(try TeacherStudentStar.twoPieceGeodesicBound(a, b))
        #expect(abs(bound - 1) < 1e-12)
        #expect(abs(centre.scales[0] - 0.75) < 1e-12 && abs(centre.scales[2] - 0.25) < 1e-12)
        #expect(abs(TeacherStudentStar.twoPieceLowerBound(a, b) - 1) < 1e-12)
        let c = try Self.minimum([1, 2, 0, 0]), d = try Self.minimum([2, 1, 0, 0])
        let (_, crossing) = try #require(try TeacherStudentStar.twoPieceGeodesicBound(c, d))
        #expect(abs(crossing - 2) < 1e-12)
        #expect(abs(TeacherStudentStar.twoPieceLowerBound(c, d) - 2.0.squareRoot()) < 1e-12)
        #expect(
            try TeacherStudentStar.twoPieceGeodesicBound(try Self.minimum([1, 2, 0]), try Self.minimum([2, 1, 0]))
                == nil)
    }

    /// On random pairs the constructed centre is a minimum joined to both feet, its fold-line has
    /// zero loss, and lower bound ≤ bound.
    @Test func geodesicBoundIsAFeasibleTwoPiecePath() throws {
        var g = SeededGenerator(seed: 9)
        let sampler = try TeacherStudentSampler(
            teacherWidth: 3, inputDimension: 4, studentWidth: 24, distribution: .sparse(deadProbability: 0.5))
        let data = ConstructionData.teacherStudent(teacherWidth: 3, inputDimension: 4, samples: 300, seed: 4)
        for trial in 0..<50 {
            let a = try sampler.sample(using: &g), b = try sampler.sample(using: &g)
            guard let (centre, bound) = try TeacherStudentStar.twoPieceGeodesicBound(a, b) else { continue }
            #expect(try a.linearConnectivity(to: centre).connected && b.linearConnectivity(to: centre).connected)
            #expect(TeacherStudentStar.twoPieceLowerBound(a, b) <= bound + 1e-12)
            #expect(bound >= 1 - 1e-12)
            if trial < 3 {
                let peak = try ConstructionData.maximumLoss(
                    network: a.network, path: .foldLine(a.parameters(), via: centre.parameters(), b.parameters()),
                    on: data, t: PathProfile.grid(points: 9))
                #expect(peak < 1e-9)
            }
        }
    }
}
