import Foundation
import Testing

@testable import OrbitCheckpoints
@testable import OrbitFormats
@testable import OrbitNetworks

@Suite struct ReliabilityAllocationTests {
    /// A 100-byte file whose stored description claims a 10¹⁰-parameter network must be refused from
    /// its tensors' shapes before anything of the description's size is allocated (it would be 40 GB).
    @Test func aHugeDescriptionWithTinyTensorsIsRefusedBeforeAllocating() throws {
        let network = try Network(parsing: "mlp:100000-100000-1:relu")
        let path = NSTemporaryDirectory() + "orbit-huge-\(UUID().uuidString).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let tensors = [
            try RawTensor(name: "layers.0.weight", shape: [2, 2], elements: [Float](repeating: 1, count: 4)),
            try RawTensor(name: "layers.0.bias", shape: [2], elements: [Float](repeating: 0, count: 2)),
            try RawTensor(name: "layers.2.weight", shape: [1, 2], elements: [Float](repeating: 1, count: 2)),
            try RawTensor(name: "layers.2.bias", shape: [1], elements: [Float](repeating: 0, count: 1)),
        ]
        try SafetensorsFile(tensors: tensors, metadata: ["orbit.network": network.jsonDescription]).write(to: path)
        #expect(throws: CheckpointError.self) { _ = try ModelFile.read(path, as: Float.self) as Model<Float> }
        do {
            _ = try ModelFile.read(path, as: Float.self)
        } catch {
            #expect("\(error)".contains("layers.0.weight"))
        }
    }
}
