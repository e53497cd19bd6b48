import Foundation
import OrbitExperiments
import OrbitReports
import Testing

@Suite struct AlignmentClaimTests {
    /// Every number in a claim's `numbers` that is a Double or an array of them is finite (null
    /// marks the intentionally absent entries).
    func allFinite(_ numbers: ResultValue) -> Bool {
        (numbers.object ?? [:]).values.allSatisfy { value in
            if let d = value.double { return d.isFinite }
            if let a = value.doubles { return a.allSatisfy(\.isFinite) }
            return true
        }
    }

    @Test func claimsAreRegisteredWithUniqueIdentifiers() {
        let ids = AlignmentClaims.all.map(\.id)
        #expect(ids.count == 4)
        #expect(Set(ids).count == ids.count)
        #expect(AlignmentClaims.all.allSatisfy { $0.paper == .ferbach2024 })
    }

    @Test func widthClaimVerdictFollowsTheSlope() throws {
        let directory = try alignmentTemporaryDirectory("claim-width")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outcome = try WidthMatchingCostClaim().run(in: ReproductionContext(directory: directory, quick: true))
        #expect(FileManager.default.fileExists(atPath: directory + "/matching-cost.svg"))
        #expect(FileManager.default.fileExists(atPath: directory + "/matching-cost.json"))
        #expect(FileManager.default.fileExists(atPath: directory + "/sweep/report/results.csv"))
        #expect(allFinite(outcome.numbers))
        let slope = outcome.numbers["slope_layer1"]!.double!
        let predicted = outcome.numbers["predicted_slope"]!.double!
        let tolerance = outcome.numbers["tolerance"]!.double!
        #expect(slope < 0)
        #expect((outcome.verdict == .reproduced) == (abs(slope - predicted) <= tolerance))
        #expect(!outcome.sections.isEmpty)
    }

    @Test func birkhoffClaimVerdictFollowsTheGaps() throws {
        let directory = try alignmentTemporaryDirectory("claim-birkhoff")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outcome = try BirkhoffClaim().run(in: ReproductionContext(directory: directory, quick: true))
        #expect(FileManager.default.fileExists(atPath: directory + "/birkhoff.svg"))
        #expect(allFinite(outcome.numbers))
        let brute = outcome.numbers["worst_relative_gap_brute"]!.double!
        let sinkhorn = outcome.numbers["worst_relative_gap_sinkhorn"]!.double!
        #expect(brute < 1e-9)
        #expect((outcome.verdict == .reproduced) == (brute <= 1e-9 && sinkhorn <= 0.02))
    }

    @Test func meanFieldClaimVerdictFollowsTheErrors() throws {
        let directory = try alignmentTemporaryDirectory("claim-mean-field")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outcome = try MeanFieldBarrierClaim().run(in: ReproductionContext(directory: directory, quick: true))
        #expect(FileManager.default.fileExists(atPath: directory + "/mean-field.svg"))
        #expect(allFinite(outcome.numbers))
        let aligned = outcome.numbers["interp_error_aligned"]!.doubles!
        let naive = outcome.numbers["interp_error_naive"]!.doubles!
        let slope = outcome.numbers["slope_aligned"]!.double!
        let expected = slope < 0 && aligned.last! < aligned.first! && aligned.last! < naive.last!
        #expect((outcome.verdict == .reproduced) == expected)
    }

    @Test func learningRateClaimVerdictFollowsTheCounts() throws {
        let directory = try alignmentTemporaryDirectory("claim-lr")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outcome = try LearningRateSweepClaim().run(in: ReproductionContext(directory: directory, quick: true))
        #expect(FileManager.default.fileExists(atPath: directory + "/lr-sweep.svg"))
        #expect(FileManager.default.fileExists(atPath: directory + "/approximate-dimension.svg"))
        #expect(allFinite(outcome.numbers))
        let wm = outcome.numbers["midpoint_weight_matching"]!.doubles!
        let sigma = outcome.numbers["midpoint_sigma_weight_matching"]!.doubles!
        let am = outcome.numbers["midpoint_activation_matching"]!.doubles!
        let n = wm.count
        #expect(n == 2)
        let sigmaBetter = (0..<n).filter { sigma[$0] < wm[$0] }.count
        let amClose = (0..<n).filter { am[$0] <= 1.5 * sigma[$0] }.count
        #expect((outcome.verdict == .reproduced) == (sigmaBetter >= n - 1 && amClose >= n - 1))
        #expect(outcome.differences.contains("quick mode"))
    }
}
