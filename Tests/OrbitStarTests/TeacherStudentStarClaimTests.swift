import Foundation
import OrbitExperiments
import Testing

@Suite("Constructions: Thms 9–14 claims run quickly")
struct TeacherStudentStarClaimTests {
    static func run(_ claim: any Claim) throws -> (ClaimOutcome, [String]) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "orbit-ts-star-\(claim.id)-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outcome = try claim.run(in: ReproductionContext(directory: directory, quick: true, seed: 0))
        return (outcome, try FileManager.default.contentsOfDirectory(atPath: directory))
    }

    @Test(arguments: TeacherStudentStarClaims.all.map(\.id))
    func claimRunsQuick(id: String) throws {
        let claim = try #require(TeacherStudentStarClaims.all.first { $0.id == id })
        #expect(ClaimRegistry.claim(id) != nil)
        let (outcome, files) = try Self.run(claim)
        #expect(files.contains { $0.hasSuffix(".svg") } && files.contains { $0.hasSuffix(".json") }, "\(files)")
        #expect(outcome.numbers.allNumbers.allSatisfy { $0.isFinite })
        #expect(!outcome.paperStatement.isEmpty && !outcome.orbitResult.isEmpty && !outcome.sections.isEmpty)
        #expect(claim.paper == .lin2024)
    }

    /// Thm 9 and Thms 10–11 are theorems about exact constructions: the quick run must confirm them
    /// (≤ 4 pieces for m ≥ 2M − 1, bounds respected, extended stars at m ≥ kM, zero-loss pieces).
    @Test func exactConstructionClaimsReproduce() throws {
        let (four, _) = try Self.run(TeacherStudentFourPieceClaim())
        #expect(four.verdict == .reproduced, "\(four.verdict): \(four.orbitResult)")
        #expect((four.numbers["worst_pieces_when_m_ge_2M_minus_1"]?.double ?? 99) <= 4)
        #expect((four.numbers["worst_piece_loss_relative"]?.double ?? 1) < 1e-9)
        let (star, _) = try Self.run(TeacherStudentKStarClaim())
        #expect(star.verdict == .reproduced, "\(star.verdict): \(star.orbitResult)")
    }

    /// The geodesic claim's verdict follows its stated criteria, and its constructed fold-lines have
    /// zero loss whatever the verdict.
    @Test func geodesicClaimVerdictFollowsItsCriteria() throws {
        let (outcome, _) = try Self.run(TeacherStudentGeodesicClaim())
        #expect((outcome.numbers["worst_fold_loss_relative"]?.double ?? 1) < 1e-9)
        let slope = try #require(outcome.numbers["theorem14_slope"]?.double)
        let spread = try #require(outcome.numbers["theorem12_spread"]?.double)
        func connectedAtLargest(_ key: String) -> Bool {
            let rows = outcome.numbers[key]?.array ?? []
            let largest = rows.compactMap { $0["m"]?.double }.max()
            return rows.filter { $0["m"]?.double == largest }.allSatisfy {
                $0["connected"]?.double == $0["pairs"]?.double
            }
        }
        let criteria =
            abs(slope + 0.5) <= 0.25 && spread <= 2 && connectedAtLargest("uniform") && connectedAtLargest("sparse")
        #expect((outcome.verdict == .reproduced) == criteria, "\(outcome.verdict)")
    }
}
