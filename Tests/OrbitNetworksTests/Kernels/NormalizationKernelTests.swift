import Testing

@testable import OrbitNetworks
@testable import OrbitNumerics

/// BatchNorm and LayerNorm: forward against hand-computed statistics, split statistics against one
/// pass, every backward against central differences in Double.
@Suite struct NormalizationKernelTests {
    typealias Support = KernelTestSupport

    /// Training-mode BatchNorm forward through the kernel: statistics, invStd, normalize.
    static func batchNormTrain(
        _ kernel: BatchNormKernel<Double>, rows: Int, _ x: [Double], _ gamma: [Double], _ beta: [Double]
    ) -> (y: [Double], normalized: [Double], invStd: [Double], statistics: BatchNormStatistics<Double>) {
        let statistics = BatchNormStatistics<Double>(channels: kernel.channels)
        kernel.partialStatistics(rows: rows, input: x, statistics: statistics)
        var invStd = [Double](repeating: .nan, count: kernel.channels)
        withPointers(&invStd) { statistics.inverseStandardDeviation(into: $0) }
        var y = [Double](repeating: .nan, count: x.count)
        var normalized = y
        y.withUnsafeMutableBufferPointer { yp in
            withPointers(&normalized) {
                kernel.normalize(
                    rows: rows, input: x, mean: statistics.mean.baseAddress, invStd: invStd, weight: gamma,
                    bias: beta, output: yp.baseAddress!, normalized: $0)
            }
        }
        return (y, normalized, invStd, statistics)
    }

    @Test func batchNormTrainingForwardHandValues() {
        // N = 2, C = 2, S = 2. Channel 0 holds 1, 2, 3, 6: mean 3, biased variance (4 + 1 + 0 + 9)/4 = 3.5.
        // Channel 1 holds 0, 4, 2, 2: mean 2, biased variance (4 + 4 + 0 + 0)/4 = 2.
        let x: [Double] = [1, 2, 0, 4, 3, 6, 2, 2]
        let (gamma, beta): ([Double], [Double]) = ([2, -1], [0.5, 1])
        let kernel = BatchNormKernel<Double>(channels: 2, spatial: 2)
        let result = Self.batchNormTrain(kernel, rows: 2, x, gamma, beta)
        #expect(result.statistics.count == 4)
        Support.expectClose(Array(result.statistics.mean.buffer), [3, 2], tolerance: 1e-15, "mean")
        Support.expectClose(Array(result.statistics.m2.buffer), [14, 8], tolerance: 1e-15, "M2")
        let (s0, s1) = ((3.5 + 1e-5).squareRoot(), (2 + 1e-5).squareRoot())
        let expected = [
            2 * (1 - 3) / s0 + 0.5, 2 * (2 - 3) / s0 + 0.5, -(0 - 2) / s1 + 1, -(4 - 2) / s1 + 1,
            2 * (3 - 3) / s0 + 0.5, 2 * (6 - 3) / s0 + 0.5, -(2 - 2) / s1 + 1, -(2 - 2) / s1 + 1,
        ]
        Support.expectClose(result.y, expected, tolerance: 1e-15, "y")

        // PyTorch's running update, momentum 0.1, unbiased variance 3.5·4/3 and 2·4/3.
        var runningMean: [Double] = [0, 1]
        var runningVariance: [Double] = [1, 1]
        var variance = [Double](repeating: .nan, count: 2)
        withPointers(&variance) { result.statistics.biasedVariance(into: $0) }
        runningMean.withUnsafeMutableBufferPointer { rm in
            withPointers(&runningVariance) {
                kernel.updateRunningStatistics(
                    mean: result.statistics.mean.baseAddress, variance: variance, count: 4,
                    runningMean: rm.baseAddress!,
                    runningVariance: $0, momentum: 0.1)
            }
        }
        Support.expectClose(runningMean, [0.3, 0.9 * 1 + 0.2], tolerance: 1e-15, "running mean")
        Support.expectClose(runningVariance, [0.9 + 0.1 * 14 / 3, 0.9 + 0.1 * 8 / 3], tolerance: 1e-15, "running var")
    }

    @Test func batchNormEvaluationForwardHandValues() {
        // BatchNorm1d on N × C (S = 1): y = γ(x − μ_run)/√(σ²_run + ε) + β.
        let kernel = BatchNormKernel<Double>(channels: 3, spatial: 1)
        let x: [Double] = [1, 2, 3, -1, 0, 5]
        let (mean, variance): ([Double], [Double]) = ([0, 1, 2], [1, 4, 0.25])
        let (gamma, beta): ([Double], [Double]) = ([1, 2, 3], [0, -1, 1])
        var y = [Double](repeating: .nan, count: 6)
        withPointers(&y) {
            kernel.evaluationForward(
                rows: 2, input: x, runningMean: mean, runningVariance: variance, weight: gamma, bias: beta, output: $0)
        }
        let (a, b, c) = ((1 + 1e-5).squareRoot(), (4 + 1e-5).squareRoot(), (0.25 + 1e-5).squareRoot())
        let expected = [1 / a, 2 * 1 / b - 1, 3 * 1 / c + 1, -1 / a, 2 * -1 / b - 1, 3 * 3 / c + 1]
        Support.expectClose(y, expected, tolerance: 1e-15, "y")
    }

    @Test func batchNormStatisticsSplitEqualsOnePass() {
        let (c, s) = (3, 5)
        let kernel = BatchNormKernel<Double>(channels: c, spatial: s)
        // Offset values: a large common mean is where a naive Σx² formula would lose digits.
        let x = Support.values(7 * c * s, seed: 31).map { 100 + $0 }
        let whole = BatchNormStatistics<Double>(channels: c)
        kernel.partialStatistics(rows: 7, input: x, statistics: whole)
        for split in [[3, 4], [1, 4, 2], [0, 5, 2]] {
            let combined = BatchNormStatistics<Double>(channels: c)
            let part = BatchNormStatistics<Double>(channels: c)
            var start = 0
            for rows in split {
                x.withUnsafeBufferPointer {
                    kernel.partialStatistics(rows: rows, input: $0.baseAddress! + start * c * s, statistics: part)
                }
                combined.combine(part)
                start += rows
            }
            #expect(combined.count == whole.count)
            for k in 0..<c {
                #expect(abs(combined.mean.buffer[k] - whole.mean.buffer[k]) <= 1e-12, "mean, split \(split)")
                #expect(abs(combined.m2.buffer[k] - whole.m2.buffer[k]) <= 1e-12, "M2, split \(split)")
            }
        }
    }

    @Test func batchNormTrainingBackwardMatchesFiniteDifferences() {
        let (c, s, rows) = (3, 4, 3)
        let kernel = BatchNormKernel<Double>(channels: c, spatial: s)
        let x = Support.values(rows * c * s, seed: 32)
        let gamma = Support.values(c, seed: 33).map { 1 + $0 / 2 }
        let beta = Support.values(c, seed: 34)
        let dy = Support.values(x.count, seed: 35)
        let forward = Self.batchNormTrain(kernel, rows: rows, x, gamma, beta)
        var sums = [Double](repeating: .nan, count: c)
        var sumsNormalized = sums
        sums.withUnsafeMutableBufferPointer { sp in
            withPointers(&sumsNormalized) {
                kernel.partialGradientSums(
                    rows: rows, outputGradient: dy, normalized: forward.normalized, sumGradient: sp.baseAddress!,
                    sumGradientNormalized: $0)
            }
        }
        var dx = [Double](repeating: .nan, count: x.count)
        withPointers(&dx) {
            kernel.backwardInput(
                rows: rows, outputGradient: dy, normalized: forward.normalized, invStd: forward.invStd, weight: gamma,
                sumGradient: sums, sumGradientNormalized: sumsNormalized, count: rows * s, inputGradient: $0,
                accumulate: false)
        }
        let loss = { (x: [Double], gamma: [Double], beta: [Double]) in
            Support.inner(Self.batchNormTrain(kernel, rows: rows, x, gamma, beta).y, dy)
        }
        Support.expectClose(dx, Support.numericalGradient(x) { loss($0, gamma, beta) }, tolerance: 1e-7, "dx")
        Support.expectClose(
            sumsNormalized, Support.numericalGradient(gamma) { loss(x, $0, beta) }, tolerance: 1e-8, "dγ")
        Support.expectClose(sums, Support.numericalGradient(beta) { loss(x, gamma, $0) }, tolerance: 1e-8, "dβ")

        // Split into uneven parts (1 and 2 rows): partial sums added, each part's dx from the whole-batch
        // sums and count, equals the unsplit dx.
        var splitSums = [Double](repeating: 0, count: c)
        var splitSumsNormalized = splitSums
        var partSum = splitSums
        var partSumNormalized = splitSums
        let parts = [(0, 1), (1, 2)]
        for (start, count) in parts {
            let offset = start * c * s
            partSum.withUnsafeMutableBufferPointer { sp in
                withPointers(&partSumNormalized) { spn in
                    dy.withUnsafeBufferPointer { g in
                        forward.normalized.withUnsafeBufferPointer { h in
                            kernel.partialGradientSums(
                                rows: count, outputGradient: g.baseAddress! + offset,
                                normalized: h.baseAddress! + offset,
                                sumGradient: sp.baseAddress!, sumGradientNormalized: spn)
                        }
                    }
                }
            }
            for k in 0..<c {
                splitSums[k] += partSum[k]
                splitSumsNormalized[k] += partSumNormalized[k]
            }
        }
        var splitDx = [Double](repeating: .nan, count: x.count)
        for (start, count) in parts {
            let offset = start * c * s
            splitDx.withUnsafeMutableBufferPointer { out in
                dy.withUnsafeBufferPointer { g in
                    forward.normalized.withUnsafeBufferPointer { h in
                        kernel.backwardInput(
                            rows: count, outputGradient: g.baseAddress! + offset, normalized: h.baseAddress! + offset,
                            invStd: forward.invStd, weight: gamma, sumGradient: splitSums,
                            sumGradientNormalized: splitSumsNormalized, count: rows * s,
                            inputGradient: out.baseAddress! + offset, accumulate: false)
                    }
                }
            }
        }
        Support.expectClose(splitDx, dx, tolerance: 1e-13, "split dx")
    }

    @Test func batchNormEvaluationBackwardMatchesFiniteDifferences() {
        let (c, s, rows) = (2, 3, 2)
        let kernel = BatchNormKernel<Double>(channels: c, spatial: s)
        let x = Support.values(rows * c * s, seed: 36)
        let (mean, variance): ([Double], [Double]) = ([0.1, -0.2], [0.5, 2])
        let gamma: [Double] = [1.5, -0.5]
        let beta: [Double] = [0.25, 0]
        let dy = Support.values(x.count, seed: 37)
        let forward = { (x: [Double], gamma: [Double], beta: [Double]) -> [Double] in
            var y = [Double](repeating: .nan, count: x.count)
            withPointers(&y) {
                kernel.evaluationForward(
                    rows: rows, input: x, runningMean: mean, runningVariance: variance, weight: gamma, bias: beta,
                    output: $0)
            }
            return y
        }
        var dx = [Double](repeating: .nan, count: x.count)
        var dGamma = [Double](repeating: .nan, count: c)
        var dBeta = dGamma
        dx.withUnsafeMutableBufferPointer { dxp in
            dGamma.withUnsafeMutableBufferPointer { dg in
                withPointers(&dBeta) {
                    kernel.evaluationBackward(
                        rows: rows, input: x, outputGradient: dy, runningMean: mean, runningVariance: variance,
                        weight: gamma, inputGradient: dxp.baseAddress!, accumulate: false,
                        weightGradient: dg.baseAddress!,
                        biasGradient: $0)
                }
            }
        }
        let loss = { (x: [Double], gamma: [Double], beta: [Double]) in Support.inner(forward(x, gamma, beta), dy) }
        Support.expectClose(dx, Support.numericalGradient(x) { loss($0, gamma, beta) }, tolerance: 1e-8, "dx")
        Support.expectClose(dGamma, Support.numericalGradient(gamma) { loss(x, $0, beta) }, tolerance: 1e-8, "dγ")
        Support.expectClose(dBeta, Support.numericalGradient(beta) { loss(x, gamma, $0) }, tolerance: 1e-8, "dβ")
    }

    static func layerNorm(
        _ kernel: LayerNormKernel<Double>, rows: Int, _ x: [Double], _ gamma: [Double], _ beta: [Double]
    ) -> (y: [Double], normalized: [Double], invStd: [Double]) {
        var y = [Double](repeating: .nan, count: x.count)
        var normalized = y
        var invStd = [Double](repeating: .nan, count: rows)
        y.withUnsafeMutableBufferPointer { yp in
            normalized.withUnsafeMutableBufferPointer { h in
                withPointers(&invStd) {
                    kernel.forward(
                        rows: rows, input: x, weight: gamma, bias: beta, output: yp.baseAddress!,
                        normalized: h.baseAddress!, invStd: $0)
                }
            }
        }
        return (y, normalized, invStd)
    }

    @Test func layerNormForwardHandValues() {
        // Rows [1 2 3 4] (mean 2.5, variance 1.25) and [2 2 2 6] (mean 3, variance 3).
        let kernel = LayerNormKernel<Double>(size: 4)
        let gamma: [Double] = [1, 2, 0.5, -1]
        let beta: [Double] = [0, 1, 0, 2]
        let result = Self.layerNorm(kernel, rows: 2, [1, 2, 3, 4, 2, 2, 2, 6], gamma, beta)
        let (a, b) = (1 / (1.25 + 1e-5).squareRoot(), 1 / (3 + 1e-5).squareRoot())
        Support.expectClose(result.invStd, [a, b], tolerance: 1e-15, "invStd")
        let expected = [
            -1.5 * a, 2 * -0.5 * a + 1, 0.5 * 0.5 * a, -1.5 * a + 2,
            -b, 2 * -b + 1, 0.5 * -b, -3 * b + 2,
        ]
        Support.expectClose(result.y, expected, tolerance: 1e-15, "y")
        // Inference (no x̂, no invStd kept) gives the same output.
        var y = [Double](repeating: .nan, count: 8)
        withPointers(&y) {
            kernel.forward(
                rows: 2, input: [1, 2, 3, 4, 2, 2, 2, 6], weight: gamma, bias: beta, output: $0, normalized: nil,
                invStd: nil)
        }
        #expect(y == result.y)
    }

    @Test func layerNormBackwardMatchesFiniteDifferences() {
        let (d, rows) = (12, 3)
        let kernel = LayerNormKernel<Double>(size: d)
        let x = Support.values(rows * d, seed: 41)
        let gamma = Support.values(d, seed: 42).map { 1 + $0 / 2 }
        let beta = Support.values(d, seed: 43)
        let dy = Support.values(x.count, seed: 44)
        let forward = Self.layerNorm(kernel, rows: rows, x, gamma, beta)
        var dx = [Double](repeating: .nan, count: x.count)
        var dGamma = [Double](repeating: .nan, count: d)
        var dBeta = dGamma
        dx.withUnsafeMutableBufferPointer { dxp in
            dGamma.withUnsafeMutableBufferPointer { dg in
                withPointers(&dBeta) {
                    kernel.backward(
                        rows: rows, outputGradient: dy, normalized: forward.normalized, invStd: forward.invStd,
                        weight: gamma, inputGradient: dxp.baseAddress!, accumulate: false,
                        weightGradient: dg.baseAddress!,
                        biasGradient: $0)
                }
            }
        }
        let loss = { (x: [Double], gamma: [Double], beta: [Double]) in
            Support.inner(Self.layerNorm(kernel, rows: rows, x, gamma, beta).y, dy)
        }
        Support.expectClose(dx, Support.numericalGradient(x) { loss($0, gamma, beta) }, tolerance: 1e-8, "dx")
        Support.expectClose(dGamma, Support.numericalGradient(gamma) { loss(x, $0, beta) }, tolerance: 1e-8, "dγ")
        Support.expectClose(dBeta, Support.numericalGradient(beta) { loss(x, gamma, $0) }, tolerance: 1e-8, "dβ")
    }

    /// Training forward and backward of BatchNorm (with the eval-mode pair) and LayerNorm in precision T,
    /// returned in Double: the Float dispatch paths must agree with the Double ones.
    static func roundTrip<T: BLASScalar>(
        _: T.Type, x: [Double], dy: [Double], gamma: [Double], beta: [Double], rows: Int, c: Int, s: Int
    ) -> [[Double]] {
        let (xs, dys, gs, bs) = (x.map { T($0) }, dy.map { T($0) }, gamma.map { T($0) }, beta.map { T($0) })
        let batchNorm = BatchNormKernel<T>(channels: c, spatial: s)
        let statistics = BatchNormStatistics<T>(channels: c)
        batchNorm.partialStatistics(rows: rows, input: xs, statistics: statistics)
        let invStd = AlignedBuffer<T>(repeating: 0, count: c)
        statistics.inverseStandardDeviation(into: invStd.baseAddress)
        let (y, normalized, dx) = (
            AlignedBuffer<T>(repeating: 0, count: x.count), AlignedBuffer<T>(repeating: 0, count: x.count),
            AlignedBuffer<T>(repeating: 0, count: x.count)
        )
        let (sums, sumsNormalized) = (
            AlignedBuffer<T>(repeating: 0, count: c), AlignedBuffer<T>(repeating: 0, count: c)
        )
        batchNorm.normalize(
            rows: rows, input: xs, mean: statistics.mean.baseAddress, invStd: invStd.baseAddress, weight: gs, bias: bs,
            output: y.baseAddress, normalized: normalized.baseAddress)
        batchNorm.partialGradientSums(
            rows: rows, outputGradient: dys, normalized: normalized.baseAddress, sumGradient: sums.baseAddress,
            sumGradientNormalized: sumsNormalized.baseAddress)
        batchNorm.backwardInput(
            rows: rows, outputGradient: dys, normalized: normalized.baseAddress, invStd: invStd.baseAddress,
            weight: gs, sumGradient: sums.baseAddress, sumGradientNormalized: sumsNormalized.baseAddress,
            count: rows * s, inputGradient: dx.baseAddress, accumulate: false)
        var results = [y, dx, sums, sumsNormalized].map { $0.buffer.map { Double($0) } }
        let (mean, variance) = (AlignedBuffer<T>(repeating: 0.25, count: c), AlignedBuffer<T>(repeating: 2, count: c))
        batchNorm.evaluationForward(
            rows: rows, input: xs, runningMean: mean.baseAddress, runningVariance: variance.baseAddress, weight: gs,
            bias: bs, output: y.baseAddress)
        batchNorm.evaluationBackward(
            rows: rows, input: xs, outputGradient: dys, runningMean: mean.baseAddress,
            runningVariance: variance.baseAddress, weight: gs, inputGradient: dx.baseAddress, accumulate: false,
            weightGradient: sums.baseAddress, biasGradient: sumsNormalized.baseAddress)
        results += [y, dx, sums, sumsNormalized].map { $0.buffer.map { Double($0) } }
        let d = c * s
        let layerNorm = LayerNormKernel<T>(size: d)
        let (lnGamma, lnBeta) = (
            AlignedBuffer<T>(repeating: 1.5, count: d), AlignedBuffer<T>(repeating: -0.5, count: d)
        )
        let (dGamma, dBeta) = (AlignedBuffer<T>(repeating: 0, count: d), AlignedBuffer<T>(repeating: 0, count: d))
        let rowInvStd = AlignedBuffer<T>(repeating: 0, count: rows)
        layerNorm.forward(
            rows: rows, input: xs, weight: lnGamma.baseAddress, bias: lnBeta.baseAddress, output: y.baseAddress,
            normalized: normalized.baseAddress, invStd: rowInvStd.baseAddress)
        layerNorm.backward(
            rows: rows, outputGradient: dys, normalized: normalized.baseAddress, invStd: rowInvStd.baseAddress,
            weight: lnGamma.baseAddress, inputGradient: dx.baseAddress, accumulate: false,
            weightGradient: dGamma.baseAddress, biasGradient: dBeta.baseAddress)
        results += [y, dx, dGamma, dBeta].map { $0.buffer.map { Double($0) } }
        return results
    }

    @Test func floatMatchesDouble() {
        let (rows, c, s) = (3, 2, 5)
        let x = Support.values(rows * c * s, seed: 51)
        let dy = Support.values(x.count, seed: 52)
        let gamma = Support.values(c, seed: 53)
        let beta = Support.values(c, seed: 54)
        let single = Self.roundTrip(Float.self, x: x, dy: dy, gamma: gamma, beta: beta, rows: rows, c: c, s: s)
        let double = Self.roundTrip(Double.self, x: x, dy: dy, gamma: gamma, beta: beta, rows: rows, c: c, s: s)
        let names = [
            "BN y", "BN dx", "BN Σdy", "BN Σdy·x̂", "BN eval y", "BN eval dx", "BN eval dγ", "BN eval dβ", "LN y",
            "LN dx", "LN dγ", "LN dβ",
        ]
        for (name, (a, b)) in zip(names, zip(single, double)) { Support.expectClose(a, b, tolerance: 1e-5, name) }
    }

    /// The documented aliasing: BatchNorm's and LayerNorm's output may be their input, and their input
    /// gradient may be the output gradient (the executor runs them in place).
    @Test func inPlaceEqualsOutOfPlace() {
        let (rows, c, s) = (2, 3, 4)
        let x = Support.values(rows * c * s, seed: 61)
        let dy = Support.values(x.count, seed: 62)
        let gamma = Support.values(c, seed: 63)
        let beta = Support.values(c, seed: 64)
        let batchNorm = BatchNormKernel<Double>(channels: c, spatial: s)
        let forward = Self.batchNormTrain(batchNorm, rows: rows, x, gamma, beta)
        var inPlace = x
        withPointers(&inPlace) {
            batchNorm.normalize(
                rows: rows, input: $0, mean: forward.statistics.mean.baseAddress, invStd: forward.invStd,
                weight: gamma, bias: beta, output: $0, normalized: nil)
        }
        #expect(inPlace == forward.y)
        let (sums, sumsNormalized) = ([1.0, -2.0, 0.5], [0.25, 1.0, -1.0])
        var dx = [Double](repeating: .nan, count: x.count)
        withPointers(&dx) {
            batchNorm.backwardInput(
                rows: rows, outputGradient: dy, normalized: forward.normalized, invStd: forward.invStd, weight: gamma,
                sumGradient: sums, sumGradientNormalized: sumsNormalized, count: rows * s, inputGradient: $0,
                accumulate: false)
        }
        var gradientInPlace = dy
        withPointers(&gradientInPlace) {
            batchNorm.backwardInput(
                rows: rows, outputGradient: $0, normalized: forward.normalized, invStd: forward.invStd, weight: gamma,
                sumGradient: sums, sumGradientNormalized: sumsNormalized, count: rows * s, inputGradient: $0,
                accumulate: false)
        }
        #expect(gradientInPlace == dx)

        let layerNorm = LayerNormKernel<Double>(size: c * s)
        let lnGamma = Support.values(c * s, seed: 65)
        let lnBeta = Support.values(c * s, seed: 66)
        let ln = Self.layerNorm(layerNorm, rows: rows, x, lnGamma, lnBeta)
        var lnInPlace = x
        withPointers(&lnInPlace) {
            layerNorm.forward(
                rows: rows, input: $0, weight: lnGamma, bias: lnBeta, output: $0, normalized: nil, invStd: nil)
        }
        #expect(lnInPlace == ln.y)
        var lnDx = [Double](repeating: .nan, count: x.count)
        var lnDGamma = [Double](repeating: .nan, count: c * s)
        lnDx.withUnsafeMutableBufferPointer { out in
            withPointers(&lnDGamma) {
                layerNorm.backward(
                    rows: rows, outputGradient: dy, normalized: ln.normalized, invStd: ln.invStd, weight: lnGamma,
                    inputGradient: out.baseAddress!, accumulate: false, weightGradient: $0, biasGradient: nil)
            }
        }
        var lnGradientInPlace = dy
        var lnDGammaInPlace = [Double](repeating: .nan, count: c * s)
        lnGradientInPlace.withUnsafeMutableBufferPointer { g in
            withPointers(&lnDGammaInPlace) {
                layerNorm.backward(
                    rows: rows, outputGradient: g.baseAddress!, normalized: ln.normalized, invStd: ln.invStd,
                    weight: lnGamma, inputGradient: g.baseAddress!, accumulate: false, weightGradient: $0,
                    biasGradient: nil)
            }
        }
        #expect(lnGradientInPlace == lnDx)
        #expect(lnDGammaInPlace == lnDGamma)
    }
}
