import Foundation
import OrbitExperiments
import OrbitReports
import Testing

@Suite struct WidthBarrierClaimTests {
    /// Known answers for the shape criterion: a dip, a peak 4× the dip, then exactly m^(−1/2).
    @Test func shapeFindsThePeakAndTheSlope() {
        let x: [Double] = [1, 2, 4, 8, 16, 32]
        let shape = WidthBarrierClaim.Shape(x: x, y: [1, 0.5, 2, 1, 1 / 2.0.squareRoot(), 0.5])
        #expect(shape.peakIndex == 2)
        #expect(shape.doubleDescent)
        #expect(abs(shape.decaySlope + 0.5) < 1e-12)
        #expect(shape.localPeaks == [2])
        // A second, local bump (2× the dip before it) is listed beside the global peak.
        #expect(WidthBarrierClaim.Shape(x: x, y: [1, 0.5, 2, 0.3, 0.6, 0.2]).localPeaks == [2, 4])
        // Monotone decay: the peak is the first width, no double descent.
        let monotone = WidthBarrierClaim.Shape(x: x, y: x.map { 1 / $0 })
        #expect(monotone.peakIndex == 0 && !monotone.doubleDescent)
        // A bump too small (1.2× the dip) is not a double descent.
        #expect(!WidthBarrierClaim.Shape(x: x, y: [1, 0.5, 0.6, 0.4, 0.3, 0.2]).doubleDescent)
        // The barrier vanishes after the peak: the slope is fitted before the first zero.
        let vanishing = WidthBarrierClaim.Shape(x: x, y: [0.5, 2, 1, 0.5, 0.25, 0])
        #expect(vanishing.vanishingIndex == 5 && abs(vanishing.decaySlope + 1) < 1e-12)
        // Too few points after the peak: no slope.
        #expect(WidthBarrierClaim.Shape(x: x, y: [1, 0.5, 0.6, 0.9, 2, 1]).decaySlope.isNaN)
    }

    @Test(arguments: [WidthBarrierClaim.Setting.teacherStudent, .fashionMNIST])
    func claimRunsQuick(setting: WidthBarrierClaim.Setting) throws {
        let claim = WidthBarrierClaim(setting: setting)
        #expect(claim.paper == .zhan2025 && ClaimRegistry.claim(claim.id) != nil)
        let directory = try alignmentTemporaryDirectory("claim-zhan-\(setting.rawValue)")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outcome = try claim.run(in: ReproductionContext(directory: directory, quick: true))
        #expect(FileManager.default.fileExists(atPath: directory + "/width-barrier.svg"))
        #expect(FileManager.default.fileExists(atPath: directory + "/sweep/report/results.csv"))
        let widths = try #require(outcome.numbers["widths"]?.doubles)
        let weight = try #require(outcome.numbers["barrier_weight_matching"]?.doubles)
        let naive = try #require(outcome.numbers["barrier_none"]?.doubles)
        #expect(widths.count >= 3 && widths.count == weight.count && weight.allSatisfy(\.isFinite))
        // Aligning can only help at the midpoint on average; it never makes every width worse.
        #expect(zip(weight, naive).contains { $0 <= $1 + 1e-9 })
        let shape = WidthBarrierClaim.Shape(x: widths, y: weight)
        let decays = shape.decaySlope.isFinite && abs(shape.decaySlope + 0.5) <= 0.25
        #expect((outcome.verdict == .reproduced) == (shape.doubleDescent && decays))
        // The budget ablation: the baseline is the claim's own curve; each variant ran its own sweep.
        let rows = try expectBudgetAblation(outcome, variants: ["epochs ×3", "samples ×3"])
        #expect(rows[0]["numbers"]?["barrier_weight_matching"]?.doubles == weight)
        for name in ["epochs-x3", "samples-x3"] {
            #expect(FileManager.default.fileExists(atPath: directory + "/diagnosis-\(name)/sweep/report/results.csv"))
        }
        #expect(rows.allSatisfy { $0["numbers"]?["barrier_weight_matching"]?.doubles?.count == widths.count })
    }

    /// Thm 5.4's mechanism: neurons near a 3-dim subspace match at a steeper rate than isotropic ones.
    @Test func lowDimensionalNeuronsMatchFaster() throws {
        let directory = try alignmentTemporaryDirectory("claim-low-dimension")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let claim = LowDimensionalWeightsClaim()
        #expect(claim.paper == .ferbach2024 && ClaimRegistry.claim(claim.id) != nil)
        let outcome = try claim.run(in: ReproductionContext(directory: directory, quick: true))
        #expect(FileManager.default.fileExists(atPath: directory + "/low-dimension-cost.svg"))
        let slopes = try #require(outcome.numbers["slopes"]?.doubles)
        #expect(slopes.count == 3 && slopes.allSatisfy { $0 < 0 })
        #expect(slopes[0] < slopes[2] - 0.2, "\(slopes)")
        let costs = try #require(outcome.numbers["cost_eta_0_05"]?.doubles)
        #expect(zip(costs, costs.dropFirst()).allSatisfy { $0 > $1 })
    }
}
