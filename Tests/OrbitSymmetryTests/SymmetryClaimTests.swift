import Foundation
import Testing

@testable import OrbitExperiments

@Suite("Symmetry claims run in quick mode (Zhao et al. 2025)")
struct SymmetryClaimTests {
    /// Every number in a JSON-like value, recursively.
    static func numbers(in value: Any) -> [Double] {
        switch value {
        case let d as Double: return [d]
        case let i as Int: return [Double(i)]
        case let a as [Any]: return a.flatMap { numbers(in: $0) }
        case let o as [String: Any]: return o.values.flatMap { numbers(in: $0) }
        default: return []
        }
    }

    @Test(
        "Every symmetry claim runs quickly, writes SVG + JSON, and reports finite numbers",
        arguments: SymmetryClaims.all.map(\.id))
    func quickClaim(id: String) throws {
        let claim = try #require(SymmetryClaims.all.first { $0.id == id })
        #expect(claim.paper == .zhao2025)
        #expect(ClaimRegistry.claim(id) != nil)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "orbit-sym-\(id)-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outcome = try claim.run(in: ReproductionContext(directory: directory, quick: true, seed: 1))
        let files = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(files.contains { $0.hasSuffix(".svg") }, "no SVG in \(files)")
        #expect(files.contains { $0.hasSuffix(".json") }, "no JSON in \(files)")
        for file in files where file.hasSuffix(".json") {
            let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + file))
            let object = try JSONSerialization.jsonObject(with: data)
            #expect(!Self.numbers(in: object).isEmpty)
        }
        let values = outcome.numbers.allNumbers
        #expect(!values.isEmpty)
        let allFinite = values.allSatisfy { $0.isFinite }
        #expect(allFinite, "non-finite numbers in \(id)")
        #expect(!outcome.paperStatement.isEmpty && !outcome.orbitResult.isEmpty)
        // The quick settings are small enough that the paper's statements should hold there too.
        #expect(outcome.verdict == .reproduced, "\(id): \(outcome.verdict) — \(outcome.orbitResult)")
    }
}
