import Foundation
import OrbitCheckpoints
import OrbitFormats
import Testing

@testable import OrbitNetworks

/// Files Orbit writes for BatchNorm networks carry PyTorch's `num_batches_tracked` (0), so
/// `load_state_dict(strict=True)` takes them; reading drops the counters again.
@Suite struct BatchNormCounterTests {
    @Test func writtenFilesCarryTheCountersAndReadBack() throws {
        let network = try Network(parsing: "resnet20:w=2:in=1x8x8:out=3")
        let theta: ParameterVector<Float> = network.initialParameters(seed: 1)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bn-\(UUID().uuidString).safetensors")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelFile.write(Model(network: network, parameters: theta), to: path)
        let (tensors, _) = try ModelFile.readRaw(path)
        let counters = tensors.filter { $0.name.hasSuffix(".num_batches_tracked") }
        #expect(counters.count == 21)
        #expect(counters.contains { $0.name == "layer2.0.downsample.1.num_batches_tracked" })
        #expect(counters.allSatisfy { $0.dtype == .int64 && $0.shape == [] && (try? $0.int64s()) == [0] })
        let back = try ModelFile.read(path, as: Float.self)
        #expect(back.parameters == theta && back.network == network)
    }
}
