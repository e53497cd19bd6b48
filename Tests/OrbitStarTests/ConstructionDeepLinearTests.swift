import OrbitData
import OrbitNetworks
import OrbitNumerics
import OrbitPaths
import Testing

@testable import OrbitStar

@Suite("Constructions: deep linear networks (Thm 16, Thm 18, Lemma 17)")
struct ConstructionDeepLinearTests {
    static func feet(_ r: Int, width m: Int, depth: Int, q: Matrix<Double>, _ g: inout SeededGenerator) throws
        -> [DeepLinearMinimum]
    {
        try (0..<r).map { _ in try DeepLinearMinimum.random(target: q, width: m, depth: depth, generator: &g) }
    }

    /// Random minima are minima, in Orbit's `linear:` network too, and round-trip through θ.
    @Test func randomMinimaHaveZeroLoss() throws {
        var g = SeededGenerator(seed: 1)
        let q = Matrix<Double>.normal(rows: 1, columns: 3, generator: &g)
        let data = ConstructionData.linearTeacher(target: q, samples: 400, seed: 2)
        for depth in 2...4 {
            let minimum = try DeepLinearMinimum.random(target: q, width: 5, depth: depth, generator: &g)
            #expect(minimum.populationLoss(target: q) < 1e-26)
            #expect(
                minimum.network == (try Network(parsing: "linear:3" + String(repeating: "-5", count: depth - 1) + "-1"))
            )
            let theta = minimum.parameters()
            #expect(minimum.network.evaluate(theta, on: data.train).loss < 1e-12)
            let back = try DeepLinearMinimum(parameters: theta)
            #expect(zip(back.factors, minimum.factors).allSatisfy { $0 == $1 })
        }
    }

    /// Thm 18: above the threshold m > 1 + r(L − 1) the centre's arms have zero loss on a t grid, both
    /// in closed form (‖P(t) − Q‖²) and measured with Orbit's path evaluator.
    @Test(arguments: [(3, 2, 6), (3, 3, 8), (4, 2, 8), (2, 3, 5), (2, 1, 3)])
    func starCentreHasZeroLossArms(depth: Int, r: Int, m: Int) throws {
        var g = SeededGenerator(seed: UInt64(100 * depth + 10 * r + m))
        let d = 3
        let q = Matrix<Double>.normal(rows: 1, columns: d, generator: &g)
        let feet = try Self.feet(r, width: m, depth: depth, q: q, &g)
        let result = try DeepLinearStar.construct(feet: feet, target: q, generator: &g)
        let star = try #require(result.centre, "Theorem 18 should apply for L=\(depth), r=\(r), m=\(m)")
        #expect(star.rank == star.equations)
        #expect(star.relativeResidual < 1e-10)
        #expect(star.centre.populationLoss(target: q) < 1e-20)
        let data = ConstructionData.linearTeacher(target: q, samples: 300, seed: 3)
        let network = DeepLinearMinimum.network(inputDimension: d, width: m, depth: depth)
        let grid = PathProfile.grid(points: 11)
        for foot in feet {
            let population = DeepLinearStar.armLosses(foot: foot, centre: star.centre, target: q, t: grid)
            #expect(population.max()! < 1e-20)
            let measured = try ConstructionData.maximumLoss(
                network: network, path: .line(star.centre.parameters(), foot.parameters()), on: data, t: grid)
            #expect(measured < 1e-10)
        }
    }

    /// At and below the threshold the result is the typed "does not apply"; below it (over-determined)
    /// the least-squares attempt leaves a residual and an arm with positive loss.
    @Test func starDoesNotApplyBelowThreshold() throws {
        var g = SeededGenerator(seed: 4)
        let q = Matrix<Double>.normal(rows: 1, columns: 3, generator: &g)
        for (m, overdetermined) in [(6, true), (7, false), (4, true)] {
            let feet = try Self.feet(3, width: m, depth: 3, q: q, &g)
            let result = try DeepLinearStar.construct(feet: feet, target: q, generator: &g)
            guard case .doesNotApply(let why) = result else {
                Issue.record("m = \(m): expected does-not-apply")
                continue
            }
            #expect(why.equations == 7 && why.requiredWidth == 8 && why.overdetermined == overdetermined)
            #expect(why.description.contains("does not apply"))
            let attempt = try DeepLinearStar.solveCentre(feet: feet, target: q, generator: &g)
            let worst = feet.map {
                DeepLinearStar.armLosses(foot: $0, centre: attempt.centre, target: q, t: PathProfile.grid(points: 11))
                    .max()!
            }.max()!
            if overdetermined {
                #expect(attempt.relativeResidual > 1e-3)
                #expect(worst > 1e-6)
            } else {
                // The square system (m = 1 + r(L − 1)) is generically solvable although the theorem
                // asks for a strict inequality.
                #expect(worst < 1e-16)
            }
        }
    }

    /// Thm 16: two minima of a depth-3 net of width 6 > 2L − 1 are joined by a zero-loss fold-line
    /// while the straight segment between them has positive loss.
    @Test func theorem16FoldLineHasZeroLoss() throws {
        var g = SeededGenerator(seed: 5)
        let (depth, m, d) = (3, 6, 2)
        let q = Matrix<Double>.normal(rows: 1, columns: d, generator: &g)
        let feet = try Self.feet(2, width: m, depth: depth, q: q, &g)
        let result = try DeepLinearStar.twoPieceCentre(feet[0], feet[1], target: q, generator: &g)
        let centre = try #require(result.centre).centre
        let data = ConstructionData.linearTeacher(target: q, samples: 300, seed: 6)
        let network = DeepLinearMinimum.network(inputDimension: d, width: m, depth: depth)
        let grid = PathProfile.grid(points: 21)
        let fold = try ConstructionData.maximumLoss(
            network: network, path: .foldLine(feet[0].parameters(), via: centre.parameters(), feet[1].parameters()),
            on: data, t: grid)
        let line = try ConstructionData.maximumLoss(
            network: network, path: .line(feet[0].parameters(), feet[1].parameters()), on: data, t: grid)
        #expect(fold < 1e-10)
        #expect(line > 1e-4)
        // Width 5 = 2L − 1 is outside Theorem 16.
        let narrow = try Self.feet(2, width: 5, depth: depth, q: q, &g)
        if case .constructed = try DeepLinearStar.twoPieceCentre(narrow[0], narrow[1], target: q, generator: &g) {
            Issue.record("Theorem 16 needs m > 2L − 1")
        }
    }

    /// Lemma 17: closed form (2s² + 8)/30·E x² of the arm integral, measured exactly with 5-point
    /// Gauss–Legendre; ≥ (4/15)·E x² for every centre, equal at s = 0; the straight line's barrier is E x².
    @Test func lemma17BoundHolds() throws {
        let data = ConstructionData.linearTeacher(target: Lemma17Pathology.target, samples: 500, seed: 8)
        let meanSquare = data.train.features.sumOfSquares() / 500
        let network = Lemma17Pathology.network
        let (foot1, foot2) = Lemma17Pathology.feet
        #expect(foot1.populationLoss(target: Lemma17Pathology.target) == 0)
        #expect(foot2.populationLoss(target: Lemma17Pathology.target) == 0)
        let rule = GaussLegendreRule(points: 5)
        let nodes = rule.nodes.map { ($0 + 1) / 2 }, weights = rule.weights.map { $0 / 2 }
        func integral(_ centre: DeepLinearMinimum) throws -> Double {
            var total = 0.0
            for foot in [foot1, foot2] {
                let losses = try ConstructionData.lossProfile(
                    network: network, path: .line(centre.parameters(), foot.parameters()), on: data, t: nodes)
                total += zip(weights, losses).map(*).reduce(0, +)
            }
            return total
        }
        let bound = Lemma17Pathology.boundFactor * meanSquare
        var g = SeededGenerator(seed: 9)
        var centres = [-2.0, -0.5, 0, 0.7, 3].map { Lemma17Pathology.centre(s: $0) }
        centres += (0..<10).map { _ in Lemma17Pathology.randomCentre(generator: &g) }
        for centre in centres {
            #expect(abs(centre.populationLoss(target: Lemma17Pathology.target)) < 1e-24)
            let measured = try integral(centre)
            let closed = Lemma17Pathology.armIntegralFactor(centre: centre) * meanSquare
            #expect(abs(measured - closed) <= 1e-6 * closed)
            #expect(measured >= bound * (1 - 1e-6))
        }
        #expect(abs(try integral(Lemma17Pathology.centre(s: 0)) - bound) <= 1e-6 * bound)
        let line = try ConstructionData.lossProfile(
            network: network, path: .line(foot1.parameters(), foot2.parameters()), on: data,
            t: PathProfile.grid(points: 25))
        #expect(abs(line.max()! - meanSquare) <= 1e-6 * meanSquare)
        #expect(line.max()! >= bound)
    }
}
