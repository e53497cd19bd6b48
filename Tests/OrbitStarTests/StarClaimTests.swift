import Foundation
import OrbitExperiments
import Testing

/// Each of Lin, Li & Wu's trained experiments runs in quick mode into a temporary folder, writes its
/// figures and report, and returns finite numbers.
@Suite struct StarClaimTests {
    static func finite(_ value: Any) -> Bool {
        switch value {
        case let x as Double: return x.isFinite
        case let xs as [Any]: return xs.allSatisfy(finite)
        case let d as [String: Any]: return d.values.allSatisfy(finite)
        default: return true
        }
    }

    @Test(arguments: StarExperimentClaims.all.map(\.id))
    func claimRunsQuick(id: String) throws {
        let claim = StarExperimentClaims.all.first { $0.id == id }!
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("star-claim-\(id)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let outcome = try claim.run(in: ReproductionContext(directory: dir.path, quick: true, seed: 1))
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(files.contains { $0.hasSuffix(".svg") }, "\(files)")
        #expect(!outcome.numbers.isEmpty && outcome.numbers.allNumbers.allSatisfy { $0.isFinite }, "\(outcome.numbers)")
        #expect(!outcome.paperStatement.isEmpty && !outcome.orbitResult.isEmpty && !outcome.sections.isEmpty)
        if id == "star-table1-fnn" {
            #expect(files.contains("star.json") && files.contains("star.csv") && files.contains("report.html"))
        }
    }
}
