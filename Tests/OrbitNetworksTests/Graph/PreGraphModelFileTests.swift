import Foundation
import OrbitCheckpoints
import OrbitData
import OrbitNumerics
import OrbitTraining
import Testing

@testable import OrbitNetworks

/// Model files written before the layer graph (`Tests/Fixtures/pre-graph`, by the build of commit
/// 44742ae) still load, describe the same network and evaluate to the same numbers: bit for bit with
/// the GEMM library that recorded them (OpenBLAS, `ORBIT_GEMM_BACKEND=openblas`), to Float32 rounding
/// of the sums with oneDNN's (another summation order).
@Suite struct PreGraphModelFileTests {
    struct Recorded: Decodable {
        struct Metrics: Decodable {
            let loss: Double
            let accuracy: Double?
        }
        let data: String
        let loss_function: String
        let train: Metrics
        let test: Metrics
    }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/pre-graph")

    @Test(arguments: [
        ("mlp.safetensors", "mlp:12-16-8-4:tanh"), ("resmlp.npz", "resmlp:12-8x2-4:relu"),
        ("linear-skip.safetensors", "linear-skip:12-6-12-4:eps=0.5"),
    ])
    func loadsAndEvaluatesAsBefore(_ file: String, _ description: String) throws {
        let stem = file.split(separator: ".")[0]
        let recorded = try JSONDecoder().decode(
            Recorded.self, from: Data(contentsOf: Self.directory.appendingPathComponent("\(stem).eval.json")))
        let model = try ModelFile.read(Self.directory.appendingPathComponent(file).path, as: Float.self)
        #expect(model.network == (try Network(parsing: description)))
        #expect(model.network.isDenseChain)
        let data = try DatasetSpec(parsing: recorded.data).load()
        let loss = try #require(LossFunction(rawValue: recorded.loss_function))
        let train = model.network.evaluate(model.parameters, on: data.train, loss: loss)
        let test = model.network.evaluate(model.parameters, on: data.test!, loss: loss)
        let tolerance = SingleGEMMBackend.current == .openBLAS ? 0 : 1e-6
        #expect(abs(train.loss - recorded.train.loss) <= tolerance * abs(recorded.train.loss))
        #expect(abs(test.loss - recorded.test.loss) <= tolerance * abs(recorded.test.loss))
        #expect(train.accuracy == recorded.train.accuracy)
        #expect(test.accuracy == recorded.test.accuracy)
    }
}
