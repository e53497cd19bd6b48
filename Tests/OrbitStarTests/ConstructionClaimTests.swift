import Foundation
import OrbitExperiments
import Testing

@Suite("Constructions: claims run quickly and write their files")
struct ConstructionClaimTests {
    /// Every number in a JSON-like object is finite.
    static func allFinite(_ value: Any) -> Bool {
        switch value {
        case let d as Double: return d.isFinite
        case let a as [Any]: return a.allSatisfy(allFinite)
        case let o as [String: Any]: return o.values.allSatisfy(allFinite)
        default: return true
        }
    }

    @Test(arguments: StarConstructionClaims.all.map(\.id))
    func claimRunsQuick(id: String) throws {
        let claim = try #require(StarConstructionClaims.all.first { $0.id == id })
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "orbit-construction-\(id)-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outcome = try claim.run(in: ReproductionContext(directory: directory, quick: true, seed: 0))
        let files = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(files.contains { $0.hasSuffix(".svg") }, "\(files)")
        let json = try #require(files.first { $0.hasSuffix(".json") })
        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + json))
        #expect(Self.allFinite(try JSONSerialization.jsonObject(with: data)))
        #expect(outcome.numbers.allNumbers.allSatisfy { $0.isFinite })
        #expect(!outcome.paperStatement.isEmpty && !outcome.orbitResult.isEmpty && !outcome.sections.isEmpty)
        #expect(outcome.verdict == .reproduced, "\(id): \(outcome.verdict) — \(outcome.orbitResult)")
        #expect(claim.paper == .lin2024)
    }
}
