import PropertyBased
import Testing

@testable import OrbitData
@testable import OrbitNetworks
@testable import OrbitNumerics
@testable import OrbitPaths
@testable import OrbitSymmetry

/// A circle of radius r in a plane of R^P through c: θ(t) = c + r(cos(2πt)·u + sin(2πt)·v), u ⊥ v unit.
struct CirclePath: ParameterPath {
    let layout: ParameterLayout
    let centre: [Double]
    let u: [Double]
    let v: [Double]
    let radius: Double
    /// The fraction of the full circle traced on t ∈ [0, 1].
    let sweep: Double
    var kindDescription: String { "circle" }

    func point(at t: Double) -> ParameterVector<Double> {
        let angle = 2 * Double.pi * sweep * t
        let flat = (0..<centre.count).map {
            centre[$0] + radius * (Double.cos(angle) * u[$0] + Double.sin(angle) * v[$0])
        }
        return ParameterVector(layout: layout, flat: flat)
    }

    /// A circle in the parameter space of `network` with random centre and random orthonormal u, v.
    static func random(network: Network, radius: Double, sweep: Double = 1, seed: UInt64) -> CirclePath {
        var g = SeededGenerator(seed: seed)
        let p = network.parameterCount
        let q = Matrix<Double>.orthogonal(rows: p, columns: 2, generator: &g)
        let centre = Matrix<Double>.normal(rows: 1, columns: p, generator: &g).flat
        return CirclePath(
            layout: network.layout, centre: centre, u: (0..<p).map { q[$0, 0] }, v: (0..<p).map { q[$0, 1] },
            radius: radius, sweep: sweep)
    }
}

@Suite("Symmetry propositions: components, joining, rescaling barrier, curvature (Zhao et al. 2025)")
struct SymmetryPropositionTests {
    typealias F = SymmetryFixtures

    // MARK: - Every action leaves the outputs unchanged (property-based over shapes and seeds)

    @Test("GL chain action: outputs unchanged for random depths, widths and seeds")
    func glProperty() async throws {
        await propertyCheck(count: 25, input: Gen.int(in: 1...4), Gen.int(in: 1...6), Gen.int(in: 0...10_000)) {
            depth, width, seed in
            var g = SeededGenerator(seed: UInt64(seed))
            let sizes = (0...depth).map { _ in 1 + Int(g.next() % UInt64(width)) }
            let network = try! Network(parsing: "linear:" + sizes.map(String.init).joined(separator: "-"))
            let theta = network.initialParameters(seed: UInt64(seed), as: Double.self)
            let elements = try! F.chainElements(network, seed: UInt64(seed) + 1)
            let action = try! GeneralLinearChainAction(network: network, elements: elements)
            let inputs = F.gaussianInputs(rows: 12, columns: network.inputSize, seed: UInt64(seed) + 2)
            #expect(try! action.check(theta, inputs: inputs, tolerance: 1e-9) <= 1e-9)
        }
    }

    @Test("Rescaling and permutations: outputs unchanged for random MLP shapes and seeds")
    func rescalePermutationProperty() async throws {
        let activations = ["relu", "leaky_relu(0.2)", "identity"]
        await propertyCheck(count: 25, input: Gen.int(in: 1...3), Gen.int(in: 0...2), Gen.int(in: 0...10_000)) {
            hiddenCount, activation, seed in
            var g = SeededGenerator(seed: UInt64(seed))
            let sizes = (0...(hiddenCount + 1)).map { _ in 1 + Int(g.next() % 6) }
            let network = try! Network(
                parsing: "mlp:" + sizes.map(String.init).joined(separator: "-") + ":" + activations[activation])
            let hidden = Array(sizes.dropFirst().dropLast())
            let theta = network.initialParameters(seed: UInt64(seed), as: Double.self)
            let inputs = F.gaussianInputs(rows: 12, columns: network.inputSize, seed: UInt64(seed) + 3)
            let scales = hidden.map { h in (0..<h).map { _ in Double.exp(g.nextGaussian()) } }
            let rescale = try! RescalingAction(network: network, scales: scales)
            #expect(try! rescale.check(theta, inputs: inputs, tolerance: 1e-9) <= 1e-9)
            let permutations = hidden.map { Array(0..<$0).shuffled(using: &g) }
            let permute = try! PermutationAction(network: network, permutations: permutations)
            #expect(try! permute.check(theta, inputs: inputs, tolerance: 1e-12) <= 1e-12)
        }
    }

    @Test("Skip connection: GL(h) inside the block is a symmetry; a g on the skipped layer is not")
    func skipProperty() async throws {
        await propertyCheck(count: 20, input: Gen.int(in: 1...4), Gen.int(in: 1...4), Gen.int(in: 0...10_000)) {
            d0, h, seed in
            let network = try! Network(parsing: "linear-skip:\(d0)-\(h)-\(d0)-\(d0 + 1):eps=0.7")
            let theta = network.initialParameters(seed: UInt64(seed), as: Double.self)
            var g = SeededGenerator(seed: UInt64(seed) + 5)
            let element = F.nearIdentity(h, generator: &g)
            let action = try! SkipConnectionAction(network: network, element: element)
            let inputs = F.gaussianInputs(rows: 12, columns: d0, seed: UInt64(seed) + 6)
            #expect(try! action.check(theta, inputs: inputs, tolerance: 1e-9) <= 1e-9)
            // The chain action's second factor g₂ (on the block's output) changes f: ε·W₃g₂⁻¹x ≠ ε·W₃x.
            let g2 = F.nearIdentity(d0, generator: &g)
            var broken = theta
            let names = network.layout.tensors.map(\.name)
            broken.setTensor(names[1], to: g2 * theta.tensor(names[1])!)
            broken.setTensor(names[2], to: theta.tensor(names[2])! * (try! g2.inverse()))
            #expect(invarianceDeviation(network: network, theta, acted: broken, inputs: inputs) > 1e-4)
        }
    }

    // MARK: - Approximate action (Prop 6.1)

    @Test("Approximate GL action: ratio ≤ 1 always, 0 when n ≤ h, positive when n > h")
    func approximateAction() throws {
        let network = try Network(parsing: "mlp:4-6-3:sigmoid")
        for seed in UInt64(1)...8 {
            let theta = network.initialParameters(seed: seed, as: Double.self)
            var g = SeededGenerator(seed: seed + 40)
            let element = try (0.5 * Matrix<Double>.normal(rows: 6, columns: 6, generator: &g)).expm()
            for n in [3, 6, 20] {
                let inputs = F.gaussianInputs(rows: n, columns: 4, seed: seed + UInt64(n))
                let action = try ApproximateGeneralLinearAction(network: network, element: element, inputs: inputs)
                let ratio = try action.outputDeviationRatio(theta)
                #expect(ratio <= 1 + 1e-12)
                if n <= 6 {
                    #expect(ratio <= 1e-10, "n = \(n) ≤ h = 6 must be exact")
                    #expect(try action.hiddenRank(theta) == n)
                } else {
                    #expect(ratio > 1e-6)
                }
                // V moves by g, as the action says.
                let acted = try action.act(on: theta)
                #expect(
                    F.relativeDistance(acted.tensor("layers.0.weight")!, element * theta.tensor("layers.0.weight")!)
                        <= 1e-14)
            }
        }
        #expect(throws: SymmetryError.self) {
            try ApproximateGeneralLinearAction(
                network: try Network(parsing: "mlp:4-6-6-3:sigmoid"), element: .identity(6),
                inputs: F.gaussianInputs(rows: 3, columns: 4, seed: 1))
        }
    }

    // MARK: - Components

    @Test("Sampled minima of linear chains show 2^(l−1) labels")
    func chainComponents() throws {
        for (depth, width) in [(2, 2), (3, 3), (4, 2)] {
            let count = try ChainComponentSurvey.count(depth: depth, width: width, samples: 120, seed: 3)
            #expect(count.labelsFound == count.expected)
            #expect(count.maximumResidual <= 1e-10)
        }
    }

    @Test("Prop 4.3 by flood fill: 3 components with a skip (ε ≠ 0), 4 without")
    func skipComponents() throws {
        let withSkip = SkipMinimumComponents.grid(epsilon: 1, resolution: 121)
        let without = SkipMinimumComponents.grid(epsilon: 0, resolution: 121)
        #expect(withSkip.majorCount == 3)
        #expect(without.majorCount == 4)
        #expect(SkipMinimumComponents.grid(epsilon: -0.5, resolution: 121).majorCount == 3)
        // The sampled path-connectivity count agrees for h = 1.
        #expect(SkipMinimumComponents.sampled(width: 1, epsilon: 1, samples: 40, seed: 1).count == 3)
        #expect(SkipMinimumComponents.sampled(width: 1, epsilon: 0, samples: 40, seed: 1).count == 4)
    }

    @Test("Root test of the path check: close root pairs are found, root-free polynomials pass")
    func polynomialRoots() {
        // Two roots 0.01 apart: a sign test on a 32-point grid misses them.
        #expect(SkipMinimumComponents.hasRoot(degree: 2) { ($0 - 0.3) * ($0 - 0.31) })
        #expect(SkipMinimumComponents.hasRoot(degree: 4) { ($0 - 0.9) * ($0 * $0 + 1) * ($0 + 3) })
        #expect(!SkipMinimumComponents.hasRoot(degree: 2) { $0 * $0 + 0.1 })
        #expect(!SkipMinimumComponents.hasRoot(degree: 4) { ($0 - 1.2) * ($0 + 0.5) * ($0 * $0 + 1) })
        // A polynomial of lower degree than announced.
        #expect(!SkipMinimumComponents.hasRoot(degree: 4) { 2 + $0 })
        #expect(SkipMinimumComponents.hasRoot(degree: 4) { $0 - 0.5 })
    }

    @Test("Prop 5.2: the transposition recipe joins components without changing f")
    func joiningRecipe() throws {
        let network = try Network(parsing: "linear:3-3-3-3-3")
        let chain = try LinearChain(network)
        var g = SeededGenerator(seed: 11)
        let target = Matrix<Double>.normal(rows: 3, columns: 3, generator: &g)
        var joinedPairs = 0
        for _ in 0..<12 {
            let w = chain.parameters(
                try ChainComponentSurvey.sampleMinimum(depth: 4, target: target, generator: &g), as: Double.self)
            let wPrime = chain.parameters(
                try ChainComponentSurvey.sampleMinimum(depth: 4, target: target, generator: &g), as: Double.self)
            let differing = zip(try chain.componentLabel(w), try chain.componentLabel(wPrime)).filter { $0 != $1 }.count
            let (moved, permutations) = try chain.joinComponent(of: wPrime, with: w)
            #expect(permutations.filter { $0 != Array(0..<3) }.count == differing)
            #expect(try chain.componentLabel(moved) == chain.componentLabel(w))
            let inputs = F.gaussianInputs(rows: 10, columns: 3, seed: 4)
            #expect(invarianceDeviation(network: network, wPrime, acted: moved, inputs: inputs) <= 1e-12)
            if differing > 0 {
                joinedPairs += 1
                // Now one orbit curve joins them at constant loss.
                let curve = try OrbitCurve(network: network, from: w, to: moved)
                #expect(F.relativeDistance(curve.point(at: 1), moved) <= 1e-9)
            }
        }
        #expect(joinedPairs > 0)
    }

    // MARK: - Rescaling barrier (Props 5.3, 5.4)

    @Test("Prop 5.3: the rescaled midpoint loss equals the closed form to 1e-9 and grows without bound")
    func rescalingClosedForm() throws {
        for description in ["mlp:5-7-6-3:leaky_relu(0.1):nobias", "mlp:4-8-2:relu:nobias"] {
            let network = try Network(parsing: description)
            let w = network.initialParameters(seed: 2, as: Double.self)
            let x = F.gaussianInputs(rows: 20, columns: network.inputSize, seed: 8)
            let y = networkOutputs(network: network, w, inputs: x)
            #expect(sumOfSquaredErrors(network: network, w, inputs: x, targets: y) == 0)
            let k = try #require(RescalingBarrier.degree(of: network))
            var previous = -1.0
            for m in [2.0, 10, 100, 1000] {
                let wPrime = try RescalingBarrier.rescaled(network: network, w, factor: m)
                #expect(
                    sumOfSquaredErrors(network: network, wPrime, inputs: x, targets: y) <= 1e-20 * y.sumOfSquares() * m
                        * m)
                let mid = ParameterVector.lerp(w, wPrime, 0.5)
                let measured = sumOfSquaredErrors(network: network, mid, inputs: x, targets: y)
                let closed = RescalingBarrier.closedFormMidpointLoss(
                    factor: m, degree: k, targetSquaredNorm: y.sumOfSquares())
                #expect(abs(measured - closed) <= 1e-9 * closed)
                #expect(measured > previous)
                previous = measured
                // Along the whole line: (1 − s(t))²‖Y‖².
                let t = 0.3
                let line = sumOfSquaredErrors(
                    network: network, ParameterVector.lerp(w, wPrime, t), inputs: x, targets: y)
                let s = RescalingBarrier.outputScale(t: t, factor: m, degree: k)
                #expect(abs(line - (1 - s) * (1 - s) * y.sumOfSquares()) <= 1e-9 * line)
            }
            #expect(previous > 1e4 * y.sumOfSquares())
        }
    }

    // MARK: - Curvature and Thm 6.2

    @Test("Curvature of a circle of radius r is 1/r (finite differences on a ParameterPath)")
    func circleCurvature() throws {
        let network = try Network(parsing: "mlp:3-4-2:relu")
        for radius in [0.5, 2.0, 7.0] {
            let circle = CirclePath.random(network: network, radius: radius, seed: UInt64(radius * 10))
            for t in [0.1, 0.5, 0.8] {
                #expect(abs(circle.finiteDifferenceCurvature(at: t) * radius - 1) <= 1e-5)
            }
        }
        // Exact derivatives of a circle in the plane: κ = 1/r to rounding.
        let r = 3.0
        #expect(abs(curvature(velocity: [0, r], acceleration: [-r, 0]) - 1 / r) <= 1e-15)
    }

    @Test("Sagitta bound: exact on circular arcs, holds on orbit curves, nil when κD > 2")
    func sagittaBound() throws {
        // An arc of a circle of radius r over angle φ: chord D = 2r·sin(φ/2), sagitta r(1 − cos(φ/2)).
        let network = try Network(parsing: "mlp:3-4-2:relu")
        let r = 2.0
        for sweep in [0.1, 0.25, 0.45] {
            let phi = 2 * Double.pi * sweep
            let arc = CirclePath.random(network: network, radius: r, sweep: sweep, seed: 5)
            let d = arc.point(at: 0).distance(to: arc.point(at: 1))
            #expect(abs(d - 2 * r * Double.sin(phi / 2)) <= 1e-12)
            let bound = try #require(Sagitta.bound(curvature: 1 / r, chordLength: d))
            #expect(abs(bound - r * (1 - Double.cos(phi / 2))) <= 1e-12)
            // The chord's midpoint is at exactly the sagitta from the arc's midpoint.
            let mid = ParameterVector.lerp(arc.point(at: 0), arc.point(at: 1), 0.5)
            #expect(abs(mid.distance(to: arc.point(at: 0.5)) - bound) <= 1e-12)
        }
        #expect(Sagitta.bound(curvature: 1, chordLength: 2.5) == nil)
        #expect(Sagitta.bound(curvature: 0, chordLength: 2.5) == 0)
        // Orbit curves: measured chord distance to γ ≤ d_max whenever κD ≤ 2.
        let chainNetwork = try Network(parsing: "linear:3-3-3-2")
        var checked = 0
        for seed in UInt64(1)...4 {
            let w = chainNetwork.initialParameters(seed: seed, as: Double.self)
            var g = SeededGenerator(seed: seed + 60)
            let elements = try [3, 3].map { h in
                try (0.15 * Matrix<Double>.normal(rows: h, columns: h, generator: &g)).expm()
            }
            let curve = try OrbitCurve(network: chainNetwork, start: w, elements: elements)
            let report = curve.chordSagitta(curvaturePoints: 41, chordPoints: 9, curvePoints: 81)
            if let bound = report.bound {
                checked += 1
                #expect(report.maximumDistance <= bound * (1 + 1e-6))
                #expect(report.maximumDistance > 0)
            }
        }
        #expect(checked > 0)
    }

    @Test("The gradient norm used as C_L matches central differences of the mean squared error")
    func gradientNorm() throws {
        let network = try Network(parsing: "linear:3-3-2")
        let theta = network.initialParameters(seed: 4, as: Double.self)
        let x = F.gaussianInputs(rows: 15, columns: 3, seed: 5)
        let y = F.gaussianInputs(rows: 15, columns: 2, seed: 6)
        let loss = { (p: ParameterVector<Double>) in sumOfSquaredErrors(network: network, p, inputs: x, targets: y) / 15
        }
        var squared = 0.0
        for i in 0..<theta.count {
            var plus = theta
            var minus = theta
            plus.withUnsafeMutableBufferPointer { $0[i] += 1e-6 }
            minus.withUnsafeMutableBufferPointer { $0[i] -= 1e-6 }
            let d = (loss(plus) - loss(minus)) / 2e-6
            squared += d * d
        }
        let norm = meanSquaredErrorGradientNorm(network: network, theta, inputs: x, targets: y)
        #expect(abs(norm - squared.squareRoot()) <= 1e-6 * norm)
    }

    // MARK: - Fast evaluation of the curve

    @Test("ExponentialFamily matches expm; a defective generator falls back")
    func exponentialFamily() throws {
        var g = SeededGenerator(seed: 21)
        for n in [1, 4, 9] {
            let l = (0.4 * Matrix<Double>.normal(rows: n, columns: n, generator: &g))
            let family = try ExponentialFamily(generator: l)
            #expect(family.isSpectral)
            for t in [0.0, 0.37, 1.0, -0.8] {
                let exact = try (t * l).expm()
                #expect(F.relativeDistance(family.exp(t), exact) <= 1e-10)
            }
        }
        let jordan = Matrix<Double>([[0.2, 1], [0, 0.2]])
        let family = try ExponentialFamily(generator: jordan)
        #expect(!family.isSpectral)
        #expect(F.relativeDistance(family.exp(0.5), try (0.5 * jordan).expm()) <= 1e-14)
    }

    @Test("The fast curve profile equals the path evaluator's and is flat")
    func fastProfile() throws {
        let network = try Network(parsing: "linear:4-5-5-3")
        let w = network.initialParameters(seed: 3, as: Double.self)
        var g = SeededGenerator(seed: 31)
        let elements = try [5, 5].map { h in
            try (0.5 * Matrix<Double>.normal(rows: h, columns: h, generator: &g)).expm()
        }
        var all = elements
        all[1] = F.negativePair(5) * elements[1]  // one polar-fallback layer
        for chosen in [elements, all] {
            let curve = try OrbitCurve(network: network, start: w, elements: chosen)
            let x = Matrix<Double>.normal(rows: 30, columns: 4, generator: &g)
            let y = Matrix<Double>.normal(rows: 30, columns: 3, generator: &g)
            let t = (0...6).map { Double($0) / 6 }
            let fast = try curve.meanSquaredErrorProfile(inputs: x, targets: y, t: t)
            let dataset = Dataset(
                name: "g",
                train: DataSplit(features: x.converted(to: Float.self), targets: .values(y.converted(to: Float.self))),
                test: nil)
            // Reference: the plain forward pass at each point.
            for (i, ti) in t.enumerated() {
                let reference = sumOfSquaredErrors(network: network, curve.point(at: ti), inputs: x, targets: y) / 30
                #expect(abs(fast[i] - reference) <= 1e-10 * reference)
                #expect(abs(fast[i] - fast[0]) <= 1e-10 * fast[0])
            }
            _ = dataset
        }
    }
}
