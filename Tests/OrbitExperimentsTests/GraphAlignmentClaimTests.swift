import Foundation
import OrbitExperiments
import OrbitReports
import Testing

/// Issue 17's claims in their quick budget (tiny widths and data, seconds): each runs end to end, its
/// numbers are what its verdict was computed from, and the verdict follows the stated criterion.
@Suite struct GraphAlignmentClaimTests {
    func run(_ claim: any Claim, _ name: String) throws -> (ClaimOutcome, String) {
        let directory = try alignmentTemporaryDirectory(name)
        return (try claim.run(in: ReproductionContext(directory: directory, quick: true)), directory)
    }

    @Test func claimsAreRegistered() {
        let ids = GraphAlignmentClaims.all.map(\.id)
        #expect(ids == ["repair-resnet20-fmnist", "grb-vgg-width", "star-table1-vgg"])
        #expect(ids.allSatisfy { ClaimRegistry.claim($0) != nil })
        #expect(ClaimRegistry.claim("repair-resnet20-fmnist")?.paper == .jordan2023)
        #expect(ClaimRegistry.claim("grb-vgg-width")?.paper == .ainsworth2023)
        #expect(ClaimRegistry.claim("star-table1-vgg")?.paper == .lin2024)
    }

    @Test func repairClaimMeasuresEveryColumnAndFollowsItsCriterion() throws {
        let (outcome, directory) = try run(RepairResNetClaim(), "claim-repair")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let widths = outcome.numbers["widths"]!.doubles!
        let perWidth = outcome.numbers["per_width"]!.array!
        #expect(widths == [4, 8] && perWidth.count == 2)
        for entry in perWidth {
            let accuracy = entry["test_accuracy"]!.doubles!
            // end A, end B, naive, naive + reset, permuted, permuted + reset, permuted + REPAIR.
            #expect(accuracy.count == 7)
            #expect(accuracy.prefix(6).allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 })
            #expect(entry["weight_matching_sweeps"]!.double! >= 1)
            // REPAIR is either measured or its absence is said.
            #expect(accuracy[6].isFinite == outcome.numbers["repair_available"]!.bool!)
        }
        let collapsed = outcome.numbers["permuted_midpoint_accuracy"]!.doubles!
        let retention = outcome.numbers["reset_retention"]!.doubles!
        // The claim's criterion: trained end points (≥ 85 % at every width), collapse, and the reset's
        // retention.
        let trained = perWidth.allSatisfy { $0["test_accuracy"]!.doubles!.prefix(2).allSatisfy { $0 >= 0.85 } }
        let expected =
            trained && collapsed.allSatisfy { $0 <= 0.3 } && retention.last! >= 0.9
            && retention.last! > retention.first!
        #expect((outcome.verdict == .reproduced) == expected)
        #expect(outcome.paperStatement.contains("78.2 %") && !outcome.sections.isEmpty)
        // The budget ablation at the narrowest width: its baseline is the claim's own first width.
        let rows = try expectBudgetAblation(outcome, variants: ["epochs ×3"])
        #expect(rows[0]["numbers"]?["reset_retention"]?.double == retention[0])
        #expect(rows[0]["numbers"]?["permuted_midpoint_accuracy"]?.double == collapsed[0])
        #expect(rows[1]["variant"]?.string == "3")
    }

    @Test func vggWidthClaimComparesBarriersBeforeAndAfterMatching() throws {
        let (outcome, directory) = try run(GitReBasinVGGWidthClaim(), "claim-grb-vgg")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(FileManager.default.fileExists(atPath: directory + "/barrier-width.svg"))
        #expect(FileManager.default.fileExists(atPath: directory + "/profiles.json"))
        let naive = outcome.numbers["naive_train_barrier"]!.doubles!
        let matched = outcome.numbers["matched_train_barrier"]!.doubles!
        #expect(outcome.numbers["width_multipliers"]!.doubles! == [2, 4])
        #expect(naive.count == 2 && matched.count == 2)
        #expect((naive + matched).allSatisfy { $0.isFinite && $0 >= 0 })
        let expected = zip(naive, matched).allSatisfy { $1 < 0.5 * $0 } && matched[1] < matched[0]
        #expect((outcome.verdict == .reproduced) == expected)
        // The budget ablation at the two narrowest widths (here both): the baseline is the claim's numbers.
        let rows = try expectBudgetAblation(outcome, variants: ["epochs ×3", "training images ×3"])
        #expect(rows[0]["numbers"]?["naive_train_barrier"]?.doubles == naive)
        #expect(rows[0]["numbers"]?["matched_train_barrier"]?.doubles == matched)
        #expect(rows[1...].allSatisfy { $0["numbers"]?["matched_train_barrier"]?.doubles?.count == 2 })
    }

    @Test func vggStarClaimComparesDirectAndFoldLines() throws {
        let (outcome, directory) = try run(StarTableVGGClaim(), "claim-star-vgg")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(FileManager.default.fileExists(atPath: directory + "/report.html"))
        let direct = outcome.numbers["direct_mean_endpoint_barrier"]!.double!
        let fold = outcome.numbers["fold_mean_endpoint_barrier"]!.double!
        let directAccuracy = outcome.numbers["direct_accuracy_path_min"]!.double!
        let foldAccuracy = outcome.numbers["fold_accuracy_path_min"]!.double!
        #expect([direct, fold, directAccuracy, foldAccuracy].allSatisfy { $0.isFinite })
        #expect(outcome.numbers["minima_train_loss"]!.doubles!.count == 5)
        #expect((outcome.verdict == .reproduced) == (fold <= 0.1 * direct && foldAccuracy >= directAccuracy))
        #expect(outcome.setting.contains("BatchNorm reset"))
        // The budget ablation: the baseline is the claim's measurement; the centre variants reuse its
        // minima (the same feet), the minima variant trains new ones from the same seeds.
        let rows = try expectBudgetAblation(
            outcome, variants: ["minima epochs ×3", "centre epochs ×3", "centre learning rate", "training images ×3"])
        #expect(rows[0]["numbers"]?["fold_mean_endpoint_barrier"]?.double == fold)
        let feet = outcome.numbers["minima_train_loss"]!.doubles!
        #expect(rows[2]["numbers"]?["feet_train_loss"]?.doubles == feet)
        #expect(rows[3]["numbers"]?["feet_train_loss"]?.doubles == feet)
        #expect(rows[1]["numbers"]?["feet_train_loss"]?.doubles != feet)
    }
}
