import Testing

@testable import OrbitData
@testable import OrbitNetworks
@testable import OrbitNumerics
@testable import OrbitPaths
@testable import OrbitSymmetry

/// Helpers for the symmetry tests (in an enum so their names cannot clash with other test files).
enum SymmetryFixtures {
    static func gaussianInputs(rows: Int, columns: Int, seed: UInt64) -> Matrix<Double> {
        var generator = SeededGenerator(seed: seed)
        return Matrix<Double>.normal(rows: rows, columns: columns, generator: &generator)
    }

    /// g = I + 0.3·Gaussian (invertible with probability one), with its first row negated when the
    /// determinant's sign differs from `sign` (negating a row flips det).
    static func nearIdentity(_ n: Int, generator: inout SeededGenerator, sign: Int = 1) -> Matrix<Double> {
        var g = Matrix<Double>.identity(n) + 0.3 * Matrix<Double>.normal(rows: n, columns: n, generator: &generator)
        let d = try! g.determinant()
        if (d > 0 ? 1 : -1) != sign { for j in 0..<n { g[0, j] = -g[0, j] } }
        return g
    }

    /// ‖a − b‖ / ‖b‖ over all entries.
    static func relativeDistance<S: BLASScalar>(_ a: ParameterVector<S>, _ b: ParameterVector<S>) -> Double {
        let x = a.flat.map { Double($0) }, y = b.flat.map { Double($0) }
        let diff = zip(x, y).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        let norm = y.reduce(0.0) { $0 + $1 * $1 }
        return (diff / norm).squareRoot()
    }

    static func relativeDistance(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Double {
        (a - b).frobeniusNorm / b.frobeniusNorm
    }

    /// Random g's (one per hidden layer of `network`), det g_k of sign `signs[k]`.
    static func chainElements(_ network: Network, seed: UInt64, signs: [Int]? = nil) throws -> [Matrix<Double>] {
        let chain = try LinearChain(network)
        var generator = SeededGenerator(seed: seed)
        return chain.hiddenSizes.enumerated().map { k, h in
            nearIdentity(h, generator: &generator, sign: signs?[k] ?? 1)
        }
    }

    /// −I₂ ⊕ I: det > 0, eigenvalue −1 twice, no principal real logarithm.
    static func negativePair(_ n: Int) -> Matrix<Double> {
        var g = Matrix<Double>.identity(n)
        g[0, 0] = -1
        g[1, 1] = -1
        return g
    }
}

@Suite("Symmetry actions, components and orbit curves (Zhao et al. 2025)")
struct SymmetryTests {
    typealias F = SymmetryFixtures
    static let seeds: [UInt64] = [1, 2, 3, 4, 5, 6]

    // MARK: - 1. GL chain action

    @Test("GL chain action leaves outputs unchanged", arguments: ["linear:4-4-4-4", "linear:3-5-5-2", "linear:2-3"])
    func glActionInvariance(description: String) throws {
        let network = try Network(parsing: description)
        for seed in Self.seeds {
            let theta = network.initialParameters(seed: seed, as: Double.self)
            let action = try GeneralLinearChainAction(
                network: network, elements: try F.chainElements(network, seed: seed + 100))
            let inputs = F.gaussianInputs(rows: 20, columns: network.inputSize, seed: seed + 200)
            let deviation = try action.check(theta, inputs: inputs, tolerance: 1e-10)
            #expect(deviation <= 1e-10)
            if network.layout.tensors.count > 1 {
                #expect(F.relativeDistance(try action.act(on: theta), theta) > 1e-3, "the action should move θ")
            }
            // Float parameters go through Float64 and back.
            let thetaFloat = theta.converted(to: Float.self)
            let actedFloat: ParameterVector<Float> = try action.act(on: thetaFloat)
            #expect(invarianceDeviation(network: network, thetaFloat, acted: actedFloat, inputs: inputs) < 1e-5)
        }
    }

    @Test("GL chain action refuses wrong sizes, singular g and non-chains")
    func glActionValidation() throws {
        let network = try Network(parsing: "linear:4-4-4-4")
        let i4 = Matrix<Double>.identity(4)
        // linear:4-4-4-4 has three weights, so two hidden layers and two g's.
        #expect(throws: SymmetryError.groupElementShape(layer: 2, expected: "4×4", found: "3×3")) {
            try GeneralLinearChainAction(network: network, elements: [i4, .identity(3)])
        }
        #expect {
            try GeneralLinearChainAction(network: network, elements: [i4, i4, i4])
        } throws: { ($0 as? SymmetryError).map { if case .groupElementShape = $0 { true } else { false } } ?? false }
        #expect(throws: SymmetryError.invalidGroupElement(layer: 2, reason: "g is singular")) {
            try GeneralLinearChainAction(network: network, elements: [i4, Matrix(rows: 4, columns: 4)])
        }
        let mlp = try Network(parsing: "mlp:4-4-4:relu")
        #expect {
            try GeneralLinearChainAction(network: mlp, elements: [i4])
        } throws: { ($0 as? SymmetryError).map { if case .unsupportedNetwork = $0 { true } else { false } } ?? false }
    }

    // MARK: - 2. Rescaling

    @Test(
        "Rescaling leaves outputs of ReLU and leaky-ReLU MLPs unchanged",
        arguments: ["mlp:5-8-6-3:relu", "mlp:5-8-6-3:leaky_relu(0.1)", "mlp:3-7-2:relu"])
    func rescalingInvariance(description: String) throws {
        let network = try Network(parsing: description)
        let hidden = network.denseLayers.dropLast().map(\.outputs)
        for seed in Self.seeds {
            var generator = SeededGenerator(seed: seed + 300)
            let scales = hidden.map { h in
                Matrix<Double>.normal(rows: 1, columns: h, generator: &generator).flat.map { (Double.exp($0)) }
            }
            let action = try RescalingAction(network: network, scales: scales)
            let theta = network.initialParameters(seed: seed, as: Double.self)
            let inputs = F.gaussianInputs(rows: 30, columns: network.inputSize, seed: seed + 400)
            #expect(try action.check(theta, inputs: inputs) <= 1e-10)
            #expect(F.relativeDistance(try action.act(on: theta), theta) > 1e-3)
        }
    }

    @Test("Rescaling refuses non-homogeneous activations and non-positive scales")
    func rescalingValidation() throws {
        let tanh = try Network(parsing: "mlp:3-4-2:tanh")
        #expect {
            try RescalingAction(network: tanh, scales: [[1, 2, 3, 4]])
        } throws: { ($0 as? SymmetryError).map { if case .unsupportedNetwork = $0 { true } else { false } } ?? false }
        let relu = try Network(parsing: "mlp:3-4-2:relu")
        #expect {
            try RescalingAction(network: relu, scales: [[1, 0, 3, 4]])
        } throws: {
            ($0 as? SymmetryError).map { if case .invalidGroupElement(layer: 1, _) = $0 { true } else { false } }
                ?? false
        }
        #expect {
            try RescalingAction(network: relu, scales: [[1, -2, 3, 4]])
        } throws: {
            ($0 as? SymmetryError).map { if case .invalidGroupElement(layer: 1, _) = $0 { true } else { false } }
                ?? false
        }
        #expect {
            try RescalingAction(network: relu, scales: [[1, 2, 3]])
        } throws: {
            ($0 as? SymmetryError).map { if case .groupElementShape(layer: 1, _, _) = $0 { true } else { false } }
                ?? false
        }
    }

    // MARK: - 3. Permutations

    @Test(
        "Permutations leave outputs of MLPs unchanged",
        arguments: ["mlp:5-8-6-3:relu", "mlp:5-8-6-3:tanh", "mlp:4-9-2:gelu", "linear:3-4-4-2"])
    func permutationInvariance(description: String) throws {
        let network = try Network(parsing: description)
        let hidden = network.denseLayers.dropLast().map(\.outputs)
        for seed in Self.seeds {
            var generator = SeededGenerator(seed: seed + 500)
            let permutations = hidden.map { Array(0..<$0).shuffled(using: &generator) }
            let action = try PermutationAction(network: network, permutations: permutations)
            let theta = network.initialParameters(seed: seed, as: Double.self)
            let inputs = F.gaussianInputs(rows: 30, columns: network.inputSize, seed: seed + 600)
            #expect(try action.check(theta, inputs: inputs) <= 1e-10)
        }
        // A reversal moves θ; a non-permutation is refused.
        let reversal = try PermutationAction(network: network, permutations: hidden.map { Array((0..<$0).reversed()) })
        let theta = network.initialParameters(seed: 9, as: Double.self)
        #expect(F.relativeDistance(try reversal.act(on: theta), theta) > 1e-3)
        #expect {
            try PermutationAction(network: network, permutations: hidden.map { Array(repeating: 0, count: $0) })
        } throws: {
            ($0 as? SymmetryError).map { if case .invalidGroupElement(layer: 1, _) = $0 { true } else { false } }
                ?? false
        }
    }

    @Test("The invariance check throws when outputs change")
    func invarianceCheckThrows() throws {
        let network = try Network(parsing: "mlp:3-4-2:relu")
        let theta = network.initialParameters(seed: 1, as: Double.self)
        let other = network.initialParameters(seed: 2, as: Double.self)
        let inputs = F.gaussianInputs(rows: 10, columns: 3, seed: 3)
        #expect(invarianceDeviation(network: network, theta, acted: other, inputs: inputs) > 1e-2)
        // check() refuses an "action" that is not a symmetry.
        let shift = NotASymmetry(network: network)
        #expect {
            try shift.check(theta, inputs: inputs)
        } throws: { ($0 as? SymmetryError).map { if case .invarianceViolated = $0 { true } else { false } } ?? false }
    }

    /// θ ↦ θ + 1: a map the invariance check must reject.
    struct NotASymmetry: SymmetryAction {
        let network: Network
        func act(on theta: ParameterVector<Double>) throws(SymmetryError) -> ParameterVector<Double> {
            var out = theta
            out.withUnsafeMutableBufferPointer { for i in 0..<$0.count { $0[i] += 1 } }
            return out
        }
    }

    // MARK: - 5. Group elements and components

    @Test("groupElement recovers planted g's and labels flip exactly where det g_k < 0")
    func groupElementRecovery() throws {
        let network = try Network(parsing: "linear:4-4-4-4-4")
        let chain = try LinearChain(network)
        for seed in Self.seeds {
            let theta = network.initialParameters(seed: seed, as: Double.self)
            let planted = try F.chainElements(network, seed: seed + 700)
            let target = try GeneralLinearChainAction(network: network, elements: planted).act(on: theta)
            let recovered = try chain.groupElement(from: theta, to: target)
            let reproduced = try GeneralLinearChainAction(network: network, elements: recovered).act(on: theta)
            #expect(F.relativeDistance(reproduced, target) <= 1e-10)
            for (g, p) in zip(recovered, planted) { #expect(F.relativeDistance(g, p) <= 1e-8) }
            #expect(try chain.sameComponent(theta, target))

            // Random determinant signs: the label flips exactly at the negative layers.
            var generator = SeededGenerator(seed: seed + 800)
            let signs = (0..<3).map { _ in generator.next() % 2 == 0 ? 1 : -1 }
            let mixed = try F.chainElements(network, seed: seed + 900, signs: signs)
            let moved = try GeneralLinearChainAction(network: network, elements: mixed).act(on: theta)
            let before = try chain.componentLabel(theta)
            let after = try chain.componentLabel(moved)
            #expect(zip(before, after).map { $0 * $1 } == signs)
            #expect(try chain.sameComponent(theta, moved) == signs.allSatisfy { $0 == 1 })
            let recoveredMixed = try chain.groupElement(from: theta, to: moved)
            for (g, p) in zip(recoveredMixed, mixed) { #expect(F.relativeDistance(g, p) <= 1e-8) }
        }
    }

    @Test("groupElement refuses points on different orbits and non-square partial products")
    func groupElementValidation() throws {
        let network = try Network(parsing: "linear:4-4-4-4")
        let chain = try LinearChain(network)
        let a = network.initialParameters(seed: 1, as: Double.self)
        let b = network.initialParameters(seed: 2, as: Double.self)
        #expect {
            try chain.groupElement(from: a, to: b)
        } throws: { ($0 as? SymmetryError).map { if case .notOnOrbit = $0 { true } else { false } } ?? false }
        let wide = try Network(parsing: "linear:3-5-5-2")
        let wideChain = try LinearChain(wide)
        let c = wide.initialParameters(seed: 1, as: Double.self)
        #expect(throws: SymmetryError.singularPartialProduct(layer: 1)) { try wideChain.componentLabel(c) }
    }

    // MARK: - 6. Orbit curves

    /// Checks end points, constant outputs along γ, and that the straight line changes the outputs.
    func checkCurve(
        _ curve: OrbitCurve<Double>, network: Network, from w: ParameterVector<Double>,
        to wPrime: ParameterVector<Double>
    ) {
        #expect(F.relativeDistance(curve.point(at: 0), w) <= 1e-10)
        #expect(F.relativeDistance(curve.point(at: 1), wPrime) <= 1e-10)
        let inputs = F.gaussianInputs(rows: 25, columns: network.inputSize, seed: 42)
        let origin = curve.point(at: 0)
        for t in [0.25, 0.5, 0.75] {
            #expect(invarianceDeviation(network: network, origin, acted: curve.point(at: t), inputs: inputs) <= 1e-9)
        }
        var midpoint = w
        midpoint.withUnsafeMutableBufferPointer { m in
            wPrime.withUnsafeBufferPointer { b in for i in 0..<m.count { m[i] = (m[i] + b[i]) / 2 } }
        }
        #expect(invarianceDeviation(network: network, w, acted: midpoint, inputs: inputs) > 1e-3)
    }

    @Test(
        "Orbit curve: exact end points, constant outputs, the chord is not",
        arguments: ["linear:4-4-4-4", "linear:3-3-3"])
    func orbitCurve(description: String) throws {
        let network = try Network(parsing: description)
        for seed in Self.seeds {
            let w = network.initialParameters(seed: seed, as: Double.self)
            // g = expm(0.6·Gaussian) has a real logarithm, and a large enough move for the chord to change f.
            var generator = SeededGenerator(seed: seed + 1000)
            let elements = try LinearChain(network).hiddenSizes.map { h in
                try (0.6 * Matrix<Double>.normal(rows: h, columns: h, generator: &generator)).expm()
            }
            let wPrime = try GeneralLinearChainAction(network: network, elements: elements).act(on: w)
            let curve = try OrbitCurve(network: network, from: w, to: wPrime)
            checkCurve(curve, network: network, from: w, to: wPrime)
            #expect(curve.layout == network.layout)
        }
    }

    @Test("Orbit curve: polar fallback for a g with a pair of negative eigenvalues")
    func orbitCurvePolarFallback() throws {
        let network = try Network(parsing: "linear:4-4-4-4-4")
        for seed in Self.seeds {
            let w = network.initialParameters(seed: seed, as: Double.self)
            var generator = SeededGenerator(seed: seed + 1100)
            let spd: Matrix<Double> = {
                let a = 0.3 * Matrix<Double>.normal(rows: 4, columns: 4, generator: &generator)
                return Matrix.identity(4) + a * a.transposed()
            }()
            let elements = [
                F.negativePair(4),
                F.negativePair(4) * spd,
                F.nearIdentity(4, generator: &generator),
            ]
            #expect(throws: LinearAlgebraError.self) { try elements[0].logm() }
            let wPrime = try GeneralLinearChainAction(network: network, elements: elements).act(on: w)
            let curve = try OrbitCurve(network: network, from: w, to: wPrime)
            #expect(curve.usesPolarFallback)
            #expect(curve.flows[0].isPolar && curve.flows[1].isPolar)
            checkCurve(curve, network: network, from: w, to: wPrime)
            // Continuous at the kink t = ½.
            #expect(F.relativeDistance(curve.point(at: 0.5 + 1e-9), curve.point(at: 0.5 - 1e-9)) < 1e-6)
        }
    }

    @Test("Orbit curve: det g < 0 means different components")
    func orbitCurveDifferentComponents() throws {
        let network = try Network(parsing: "linear:4-4-4-4")
        let w = network.initialParameters(seed: 1, as: Double.self)
        var flip = Matrix<Double>.identity(4)
        flip[0, 0] = -1
        let elements = [Matrix<Double>.identity(4), flip]
        let wPrime = try GeneralLinearChainAction(network: network, elements: elements).act(on: w)
        #expect {
            try OrbitCurve(network: network, from: w, to: wPrime)
        } throws: {
            ($0 as? SymmetryError).map { if case .differentComponents(layer: 2, _) = $0 { true } else { false } }
                ?? false
        }
        #expect(try !LinearChain(network).sameComponent(w, wPrime))
    }

    // MARK: - Integration with the path evaluator

    @Test("The loss profile of an orbit curve is flat (PathEvaluator, naive route)")
    func orbitCurveProfile() throws {
        let network = try Network(parsing: "linear:3-3-3-2")
        let w = network.initialParameters(seed: 3, as: Double.self)
        let elements = try F.chainElements(network, seed: 33)
        let wPrime = try GeneralLinearChainAction(network: network, elements: elements).act(on: w)
        let curve = try OrbitCurve(network: network, from: w, to: wPrime)
        var generator = SeededGenerator(seed: 5)
        let features = Matrix<Float>.normal(rows: 40, columns: 3, generator: &generator)
        let targets = Matrix<Float>.normal(rows: 40, columns: 2, generator: &generator)
        let dataset = Dataset(
            name: "gaussian", train: DataSplit(features: features, targets: .values(targets)), test: nil)
        let evaluator = PathEvaluator(network: network, loss: .meanSquaredError)
        let t = (0...8).map { Double($0) / 8 }
        let profile = try evaluator.profile(naive: curve, on: dataset, t: t, name: "orbit")
        let losses = profile.splits["train"]!.map(\.loss)
        for loss in losses { #expect(abs(loss - losses[0]) <= 1e-9 * losses[0]) }
        #expect(profile.kind.hasPrefix("orbit curve"))
    }

    // MARK: - 7. Derivatives and curvature

    @Test("Closed-form γ′ and γ″ match finite differences (principal and polar layers)")
    func orbitCurveDerivatives() throws {
        let network = try Network(parsing: "linear:4-4-4-4-3")
        let w = network.initialParameters(seed: 7, as: Double.self)
        var generator = SeededGenerator(seed: 77)
        let elements = [
            F.negativePair(4) * (Matrix.identity(4) + 0.1 * Matrix<Double>.identity(4)),
            F.nearIdentity(4, generator: &generator),
            F.nearIdentity(4, generator: &generator),
        ]
        let curve = try OrbitCurve(network: network, start: w, elements: elements)
        #expect(curve.usesPolarFallback)
        for t in [0.2, 0.3, 0.7, 0.9] {
            let (velocity, acceleration) = curve.derivatives(at: t)
            let h1 = 1e-5, h2 = 1e-4
            let plus1 = curve.weights(at: t + h1), minus1 = curve.weights(at: t - h1)
            let plus2 = curve.weights(at: t + h2), minus2 = curve.weights(at: t - h2), centre = curve.weights(at: t)
            for k in 0..<velocity.count {
                let fdVelocity = (1 / (2 * h1)) * (plus1[k] - minus1[k])
                let fdAcceleration = (1 / (h2 * h2)) * (plus2[k] - 2 * centre[k] + minus2[k])
                #expect(F.relativeDistance(velocity[k], fdVelocity) <= 1e-6)
                #expect(F.relativeDistance(acceleration[k], fdAcceleration) <= 1e-5)
            }
        }
    }

    @Test("Curvature of a rotation orbit is that of a circle of radius 2")
    func curvatureOfCircle() throws {
        // W₁ = W₂ = I₂, g = R(θ): γ(t) = (R(θt), R(−θt)) traces a circle of radius 2 in R⁸, so κ = ½.
        let network = try Network(parsing: "linear:2-2-2")
        let chain = try LinearChain(network)
        let w: ParameterVector<Double> = chain.parameters([.identity(2), .identity(2)])
        let theta = 1.3
        let rotation = Matrix<Double>([
            [Double.cos(theta), -Double.sin(theta)], [Double.sin(theta), Double.cos(theta)],
        ])
        let curve = try OrbitCurve(network: network, start: w, elements: [rotation])
        for t in [0.0, 0.4, 1.0] {
            #expect(abs(curve.curvature(at: t) - 0.5) <= 1e-10)
            let speedSquared = curve.velocity(at: t).flat.reduce(0) { $0 + $1 * $1 }
            #expect(abs(speedSquared.squareRoot() - 2 * theta) <= 1e-10)
        }
        // g = I: a constant curve, curvature reported as 0.
        let still = try OrbitCurve(network: network, start: w, elements: [.identity(2)])
        #expect(still.curvature(at: 0.5) == 0)
    }
}
