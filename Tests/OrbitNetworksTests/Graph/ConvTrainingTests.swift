import OrbitData
import OrbitTraining
import Testing

@testable import OrbitNetworks

/// A small CNN with BatchNorm trains on a Fashion-MNIST subset — minibatches split across the
/// cores with BatchNorm statistics exchanged, running statistics updated every step — and its
/// evaluation-mode test accuracy beats 70% (a linear classifier on 2 000 images reaches ~75%, so
/// the bar says the convolutional network learns, not that it is state of the art).
@Suite struct ConvTrainingTests {
    @Test(.enabled(if: FashionMNIST.isAvailable(), "dataset-fashion-mnist is not installed"))
    func smallCNNLearnsFashionMNIST() throws {
        let data = try FashionMNIST.load(limit: 2000)
        let network = try Network(parsing: "cnn:1x28x28-c8-p-c16-p-10:relu:bn")
        try data.requireSampleShape(network.inputShape, for: "cnn")
        let configuration = TrainingConfiguration(
            epochs: 2, batchSize: 64, learningRate: 0.05, optimizer: .sgd(momentum: 0.9), seed: 1)
        let trainer = try Trainer<Float>(network: network, dataset: data, configuration: configuration)
        let initial = trainer.initialState()
        let trained = try trainer.run(from: initial)
        let test = network.evaluate(trained.parameters, on: data.test!)
        #expect(test.accuracy! > 0.70, "test accuracy \(test.accuracy!)")
        // Training moved the running statistics away from their initial (0, 1).
        let mean = trained.parameters.tensor("layers.1.running_mean")!.flat
        #expect(mean.contains { abs($0) > 1e-3 })
    }
}
