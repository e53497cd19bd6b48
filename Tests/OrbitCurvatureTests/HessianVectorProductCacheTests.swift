import OrbitCurvature
import OrbitNetworks
import OrbitNumerics
import Testing

/// The recorded pass at θ (``HessianVectorPass``) changes no product: a ``HessianOperator`` that reuses
/// it gives the same H·v as one that recomputes it, through residual blocks, with σ″ ≠ 0 and with
/// several batches per part; and a budget too small for the pass makes the operator recompute.
@Suite struct HessianVectorProductCacheTests {
    static let descriptions = ["resmlp:5-6x2-3:relu", "resmlp:5-6x2-3:gelu", "mlp:5-7-6-3:tanh"]

    @Test(arguments: descriptions)
    func cachedAndRecomputedProductsAgree(_ description: String) throws {
        let network = try Network(parsing: description)
        // 560 rows: two parts of 280 on two or more cores (one of 560 otherwise), each streamed in
        // batches of 100 — three per part (100 + 100 + 80), six on one core.
        let split = CurvatureFixtures.split(network: network, samples: 560, loss: .softmaxCrossEntropy, seed: 7)
        let theta = CurvatureFixtures.parameters(network, seed: 8).converted(to: Float.self)
        let cached = try HessianOperator(
            network: network, parameters: theta, samples: split, loss: .softmaxCrossEntropy, batchSize: 100)
        let recomputed = try HessianOperator(
            network: network, parameters: theta, samples: split, loss: .softmaxCrossEntropy, batchSize: 100,
            cacheBudget: 0)
        #expect(cached.cachesPass)
        #expect(!recomputed.cachesPass)
        for seed: UInt64 in [9, 10, 11] {
            let v = CurvatureFixtures.direction(network.layout, seed: seed).converted(to: Float.self)
            let fast = try cached.apply(v)
            let slow = try recomputed.apply(v)
            let error = (fast - slow).norm / slow.norm
            #expect(error <= 1e-6, "direction \(seed): relative difference \(error)")
            #expect(slow.norm > 1e-3)
        }
        // The first application recorded the pass; repeating it from the record changes nothing.
        let v = CurvatureFixtures.direction(network.layout, seed: 9).converted(to: Float.self)
        #expect(try cached.apply(v) == recomputed.apply(v))
    }

    @Test func aTinyBudgetFallsBackToRecomputing() throws {
        let network = try Network(parsing: "resmlp:5-6x2-3:relu")
        let split = CurvatureFixtures.split(network: network, samples: 560, loss: .softmaxCrossEntropy, seed: 3)
        let theta = CurvatureFixtures.parameters(network, seed: 4)
        let v = CurvatureFixtures.direction(network.layout, seed: 5)
        let needed = HessianVectorPass<Double>.byteCount(network: network, rows: 560)
        let fits = try HessianOperator(
            network: network, parameters: theta, samples: split, loss: .softmaxCrossEntropy, batchSize: 100,
            cacheBudget: needed)
        let tiny = try HessianOperator(
            network: network, parameters: theta, samples: split, loss: .softmaxCrossEntropy, batchSize: 100,
            cacheBudget: needed - 1)
        #expect(fits.cachesPass)
        #expect(!tiny.cachesPass)
        let first = try tiny.apply(v)
        #expect(try tiny.apply(v) == first)
        let error = (try fits.apply(v) - first).norm / first.norm
        #expect(error <= 1e-12, "relative difference \(error)")
        _ = try fits.apply(v)
        #expect(try fits.apply(v) == fits.apply(v))
    }
}
