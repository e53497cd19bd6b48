import Testing

@testable import OrbitData
@testable import OrbitNetworks
@testable import OrbitNumerics
@testable import OrbitPaths
@testable import OrbitTraining

/// The same network with its 32 hidden units in reverse order (rows of W₁ and b₁, columns of W₂):
/// the same function, a different point of parameter space.
func reversedHiddenUnits(_ a: ParameterVector<Float>) -> ParameterVector<Float> {
    var b = a
    let w1 = a.tensor("layers.0.weight")!, b1 = a.tensor("layers.0.bias")!, w2 = a.tensor("layers.2.weight")!
    b.setTensor(
        "layers.0.weight",
        to: Matrix(rows: 32, columns: 10) { out in
            for i in 0..<32 { for j in 0..<10 { out[i * 10 + j] = w1[31 - i, j] } }
        })
    b.setTensor("layers.0.bias", to: Matrix(rows: 1, columns: 32) { out in for i in 0..<32 { out[i] = b1[0, 31 - i] } })
    b.setTensor(
        "layers.2.weight",
        to: Matrix(rows: 3, columns: 32) { out in for i in 0..<3 { for j in 0..<32 { out[i * 32 + j] = w2[i, 31 - j] } }
        })
    return b
}

/// A 10-32-3 ReLU MLP trained with Adam to memorise random labels (so every unit matters).
func memorisingMinimum() throws -> (Network, Dataset, ParameterVector<Float>) {
    let network = try Network(parsing: "mlp:10-32-3:relu")
    let dataset = try DatasetSpec(parsing: "synthetic:random-labels:d=10,k=3,n=200,test=50,seed=1").load()
    let trainer = try Trainer<Float>(
        network: network, dataset: dataset,
        configuration: TrainingConfiguration(
            epochs: 150, batchSize: 50, learningRate: 0.01, optimizer: .adam(), seed: 1))
    return (network, dataset, try trainer.run(from: trainer.initialState()).parameters)
}

@Suite struct PathCoefficientTests {
    @Test func endPointsAreExactAndCoefficientsSumToOne() {
        for (kind, count) in [
            (AffinePath<Double>.Kind.line, 2), (.foldLine, 3), (.polygonalChain, 5), (.bezier, 2), (.bezier, 3),
            (.bezier, 6),
        ] {
            let c0 = AffinePath<Double>.coefficients(kind: kind, count: count, at: 0)
            let c1 = AffinePath<Double>.coefficients(kind: kind, count: count, at: 1)
            #expect(c0[0] == 1 && c0.dropFirst().allSatisfy { $0 == 0 }, "\(kind) at 0: \(c0)")
            #expect(c1[count - 1] == 1 && c1.dropLast().allSatisfy { $0 == 0 }, "\(kind) at 1: \(c1)")
            for t in stride(from: 0.0, through: 1.0, by: 0.05) {
                let c = AffinePath<Double>.coefficients(kind: kind, count: count, at: t)
                #expect(abs(c.reduce(0, +) - 1) < 1e-14)
            }
        }
        // The fold-line passes through its centre at t = ½; the quadratic Bézier has (¼, ½, ¼) there.
        #expect(AffinePath<Double>.coefficients(kind: .foldLine, count: 3, at: 0.5) == [0, 1, 0])
        #expect(AffinePath<Double>.coefficients(kind: .foldLine, count: 3, at: 0.25) == [0.5, 0.5, 0])
        #expect(AffinePath<Double>.coefficients(kind: .bezier, count: 3, at: 0.5) == [0.25, 0.5, 0.25])
    }

    @Test func derivativesMatchFiniteDifferences() {
        for (kind, count) in [(AffinePath<Double>.Kind.bezier, 4), (.polygonalChain, 4)] {
            let layout = ParameterLayout([("w", [1])])
            let path = AffinePath<Double>(
                kind: kind, controlPoints: (0..<count).map { ParameterVector(layout: layout, flat: [Double($0 * $0)]) })
            for t in [0.1, 0.4, 0.7] {
                let numeric = (path.point(at: t + 1e-7).flat[0] - path.point(at: t - 1e-7).flat[0]) / 2e-7
                let d = path.coefficientDerivatives(at: t)
                let exact = zip(d, path.controlPoints).reduce(0) { $0 + $1.0 * $1.1.flat[0] }
                #expect(abs(numeric - exact) < 1e-6, "\(kind) at \(t)")
            }
        }
    }

    @Test func lengthsAndTheGeodesicBound() {
        let layout = ParameterLayout([("w", [2])])
        let a = ParameterVector<Double>(layout: layout, flat: [0, 0])
        let b = ParameterVector<Double>(layout: layout, flat: [4, 0])
        let c = ParameterVector<Double>(layout: layout, flat: [2, 1.5])
        let fold = AffinePath.foldLine(a, via: c, b)
        // (‖a − c‖ + ‖c − b‖)/‖a − b‖ = (2.5 + 2.5)/4.
        #expect(abs(fold.length() - 5) < 1e-12 && abs(fold.normalizedLength - 1.25) < 1e-12)
        #expect(abs(AffinePath.line(a, b).normalizedLength - 1) < 1e-12)
        // A quadratic Bézier with its control point on the chord is the segment itself: length 4.
        let straight = AffinePath(kind: .bezier, controlPoints: [a, ParameterVector(layout: layout, flat: [2, 0]), b])
        #expect(abs(straight.length() - 4) < 1e-10)
        // Bézier (0,0),(2,2),(4,0): length = ∫₀¹ √(16 + 16(1−2t)²) dt = 2√2 + 2·asinh(1) ≈ 4.5912.
        let arc = AffinePath(kind: .bezier, controlPoints: [a, ParameterVector(layout: layout, flat: [2, 2]), b])
        #expect(abs(arc.length() - (2 * 2.0.squareRoot() + 2 * Double.asinh(1))) < 1e-9)
    }

    @Test func barrierFormulasOnHandMadeProfiles() {
        let t = [0, 0.25, 0.5, 0.75, 1.0]
        let loss = [1.0, 2.0, 4.0, 2.5, 3.0]
        // Convex combination: L(t) − (1 + 2t): 0, 0.5, 2, 0, 0 → 2 at t = ½.
        #expect(BarrierDefinition.convexCombination.evaluate(t: t, values: loss)! == (2, 0.5))
        // Mean end points: 4 − 2 = 2; midpoint 4; path maximum 4.
        #expect(BarrierDefinition.meanEndpoint.evaluate(t: t, values: loss)! == (2, 0.5))
        #expect(BarrierDefinition.midpoint.evaluate(t: t, values: loss)!.value == 4)
        #expect(BarrierDefinition.pathMaximum.evaluate(t: t, values: loss)!.value == 4)
        let accuracy = [0.9, 0.7, 0.5, 0.8, 0.8]
        // Interpolated accuracy 0.9 − 0.1t: 0.9, 0.875, 0.85, 0.825, 0.8 → drop 0.35 at ½.
        let cvx = BarrierDefinition.convexCombination.evaluate(t: t, values: accuracy, higherIsBetter: true)!
        #expect(abs(cvx.value - 0.35) < 1e-12 && cvx.at == 0.5)
        #expect(
            abs(BarrierDefinition.meanEndpoint.evaluate(t: t, values: accuracy, higherIsBetter: true)!.value - 0.35)
                < 1e-12)
        #expect(BarrierDefinition.pathMaximum.evaluate(t: t, values: accuracy, higherIsBetter: true)!.value == 0.5)
        // A flat profile has zero barriers; a profile without t = ½ has no midpoint.
        #expect(BarrierDefinition.convexCombination.evaluate(t: t, values: [1, 1, 1, 1, 1])!.value == 0)
        #expect(BarrierDefinition.midpoint.evaluate(t: [0, 0.3, 1], values: [1, 2, 3]) == nil)
        #expect(PathProfile.grid(points: 25).contains(0.5) && PathProfile.grid(points: 4).count == 5)
    }

    /// A diverged point must not vanish from a barrier: a NaN makes the extremum definitions NaN at
    /// the first NaN's t (the old code skipped it and reported the finite rest) unless another point
    /// is already +∞; the midpoint stays L(½); an infinite end point makes the interpolating ones NaN.
    @Test func nonFiniteProfilesGiveNonFiniteBarriers() {
        let t = [0, 0.25, 0.5, 0.75, 1.0]
        let withNaN = [1.0, .nan, 4.0, 2.5, 3.0]
        for definition in BarrierDefinition.allCases where definition != .midpoint {
            for higher in [false, true] {
                let b = definition.evaluate(t: t, values: withNaN, higherIsBetter: higher)!
                #expect(b.value.isNaN && b.at == 0.25, "\(definition) higherIsBetter=\(higher)")
            }
        }
        #expect(BarrierDefinition.midpoint.evaluate(t: t, values: withNaN)! == (4, 0.5))
        let withInfinity = [1.0, .nan, .infinity, 2.5, 3.0]
        #expect(BarrierDefinition.pathMaximum.evaluate(t: t, values: withInfinity)! == (.infinity, 0.5))
        #expect(BarrierDefinition.convexCombination.evaluate(t: t, values: withInfinity)! == (.infinity, 0.5))
        #expect(BarrierDefinition.meanEndpoint.evaluate(t: t, values: withInfinity)! == (.infinity, 0.5))
        let infiniteEnd = [1.0, 2.0, 3.0, 4.0, .infinity]
        #expect(BarrierDefinition.convexCombination.evaluate(t: t, values: infiniteEnd)!.value.isNaN)
        #expect(BarrierDefinition.meanEndpoint.evaluate(t: t, values: infiniteEnd)!.value.isNaN)
        #expect(BarrierDefinition.pathMaximum.evaluate(t: t, values: infiniteEnd)! == (.infinity, 1))
    }
}

@Suite struct PathEvaluatorTests {
    /// The fused evaluator (one first-layer GEMM per control point) equals per-point evaluation.
    @Test(arguments: ["mlp:10-16-8-3:relu", "resmlp:10-12x1-3:gelu", "linear-skip:10-6-10-3:eps=0.5"])
    func fusedEqualsNaive(_ description: String) throws {
        let network = try Network(parsing: description)
        let dataset = Dataset(
            name: "blobs", train: TrainingTests.blobs(n: 150, seed: 3), test: TrainingTests.blobs(n: 70, seed: 4))
        let points: [ParameterVector<Double>] = (0..<4).map { network.initialParameters(seed: UInt64($0)) }
        let evaluator = PathEvaluator(network: network, batchSize: 64)
        let t = PathProfile.grid(points: 9)
        for path in [
            AffinePath.line(points[0], points[1]), .foldLine(points[0], via: points[2], points[1]),
            AffinePath(kind: .bezier, controlPoints: points), AffinePath(kind: .polygonalChain, controlPoints: points),
        ] {
            let fused = try evaluator.profile(path, on: dataset, t: t, name: "fused")
            let naive = try evaluator.profile(naive: path, on: dataset, t: t, name: "naive")
            for split in ["train", "test"] {
                for (f, n) in zip(fused.splits[split]!, naive.splits[split]!) {
                    #expect(
                        abs(f.loss - n.loss) < 1e-12 * max(1, n.loss) && f.accuracy == n.accuracy,
                        "\(description) \(path.kindDescription) \(split)")
                }
            }
        }
        // Float32: the same numbers to float tolerance.
        let pf = points.map { $0.converted(to: Float.self) }
        let fused = try evaluator.profile(AffinePath.foldLine(pf[0], via: pf[2], pf[1]), on: dataset, t: t, name: "f")
        let naive = try evaluator.profile(
            naive: AffinePath.foldLine(pf[0], via: pf[2], pf[1]), on: dataset, t: t, name: "n")
        for (f, n) in zip(fused.splits["train"]!, naive.splits["train"]!) {
            #expect(abs(f.loss - n.loss) < 1e-5 * max(1, n.loss))
        }
    }

    @Test func mismatchedLayoutsNameTheFirstTensor() throws {
        let network = try Network(parsing: "mlp:10-16-3:relu")
        let other = try Network(parsing: "mlp:10-17-3:relu")
        let a: ParameterVector<Float> = other.initialParameters(seed: 1)
        let dataset = Dataset(name: "blobs", train: TrainingTests.blobs(n: 20, seed: 3), test: nil)
        #expect(
            throws: NetworkError.layoutMismatch(
                tensor: "layers.0.weight", expected: "layers.0.weight [16, 10]", found: "layers.0.weight [17, 10]")
        ) {
            try PathEvaluator(network: network).profile(AffinePath.line(a, a), on: dataset, t: [0, 1], name: "x")
        }
    }

    /// A trained network and the same network with its hidden units permuted compute one function
    /// (equal end-point losses), yet the straight line between them has a barrier; the reported
    /// barriers agree with the profile's numbers.
    @Test func permutedCopyHasEqualEndsAndABarrier() throws {
        // Memorising random labels makes the function depend on every unit, so averaging unrelated
        // units (the line's midpoint) must hurt.
        let (network, dataset, a) = try memorisingMinimum()
        let b = reversedHiddenUnits(a)
        let profile = try PathEvaluator(network: network).profile(
            AffinePath.line(a, b), on: dataset, t: PathProfile.grid(points: 25), name: "A-πA")
        let loss = profile.splits["train"]!.map(\.loss)
        #expect(abs(loss.first! - loss.last!) < 1e-6 * loss.first!)
        #expect(profile.barrier(.pathMaximum) == loss.max())
        #expect(profile.barrier(.midpoint) == loss[12])
        #expect(abs(profile.barrier(.meanEndpoint)! - (loss.max()! - (loss.first! + loss.last!) / 2)) < 1e-12)
        #expect(profile.barrier(.convexCombination)! > 0.05, "train loss along the line: \(loss)")
        #expect(profile.barriers.count == 16)  // 4 definitions × {loss, accuracy} × {train, test}
    }
}

@Suite struct CurveFitterTests {
    /// A minimum and its hidden-unit permutation on memorised random labels: the straight line has a
    /// barrier; a fitted quadratic Bézier curve (and a one-bend chain) brings the path maximum well
    /// below it. Resuming after the first epoch reproduces the uninterrupted fit.
    @Test func curveFittingRemovesMostOfTheBarrier() throws {
        let (network, dataset, a) = try memorisingMinimum()
        let b = reversedHiddenUnits(a)
        let evaluator = PathEvaluator(network: network)
        let t = PathProfile.grid(points: 21)
        let line = try evaluator.profile(AffinePath.line(a, b), on: dataset, t: t, name: "line")
        let lineMax = line.barrier(.pathMaximum)!
        let endLoss = line.splits["train"]!.first!.loss
        for kind in [AffinePath<Float>.Kind.bezier, .polygonalChain] {
            let config = TrainingConfiguration(
                epochs: 60, batchSize: 50, learningRate: 0.01, optimizer: .adam(), seed: 5)
            let fitter = try CurveFitter(
                network: network, dataset: dataset, kind: kind, from: a, to: b, configuration: config)
            let fitted = try fitter.run(from: fitter.initialState())
            let curve = try evaluator.profile(fitter.path(fitted), on: dataset, t: t, name: "curve")
            let curveMax = curve.barrier(.pathMaximum)!
            // "Well below": the excess over the end points' loss shrinks to less than a third.
            #expect(
                curveMax - endLoss < (lineMax - endLoss) / 3,
                "\(kind): line max \(lineMax), curve max \(curveMax), ends \(endLoss)")
        }
        // Resume after epoch 1 of 3 equals the uninterrupted 3-epoch fit.
        let short = TrainingConfiguration(epochs: 3, batchSize: 50, learningRate: 0.01, optimizer: .adam(), seed: 5)
        let fitter = try CurveFitter(
            network: network, dataset: dataset, kind: .bezier, from: a, to: b, configuration: short)
        let full = try fitter.run(from: fitter.initialState())
        var saved: CurveState<Float>?
        struct Stop: Error {}
        do {
            _ = try fitter.run(from: fitter.initialState()) {
                if $0.completedEpochs == 1 {
                    saved = $0
                    throw Stop()
                }
            }
        } catch is Stop {}
        #expect(try fitter.run(from: try #require(saved)).bends == full.bends)
    }
}

@Suite struct LossPlaneTests {
    @Test func basisIsOrthonormalAndReproducesThePoints() throws {
        let network = try Network(parsing: "mlp:10-8-3:relu")
        let (a, b, c): (ParameterVector<Double>, ParameterVector<Double>, ParameterVector<Double>) =
            (network.initialParameters(seed: 1), network.initialParameters(seed: 2), network.initialParameters(seed: 3))
        let basis = try PlaneBasis(a, b, c)
        #expect(abs(basis.u.norm - 1) < 1e-12 && abs(basis.v.norm - 1) < 1e-12 && abs(basis.u.dot(basis.v)) < 1e-12)
        for (point, marker) in zip([a, b, c], basis.markers) {
            #expect(
                basis.point(x: marker.x, y: marker.y).distance(to: point) < 1e-12 * max(1, point.norm), "\(marker.name)"
            )
        }
        #expect(basis.markers[1].y == 0 && basis.markers[2].y > 0)
        #expect(throws: PathError.self) { try PlaneBasis(a, b, ParameterVector.lerp(a, b, 0.3)) }
        let (x, y) = basis.grid(points: 5)
        #expect(x.count == 5 && x.first! < 0 && x.last! > basis.markers[1].x && y.first! < 0)
    }

    /// The surface evaluated at the markers equals the models' own loss; a 1-D landscape at α = 0
    /// equals the model's loss; filter-normalised directions have θ's row norms and zero biases.
    @Test func surfacesAgreeWithDirectEvaluation() throws {
        let network = try Network(parsing: "mlp:10-8-3:relu")
        let dataset = Dataset(name: "blobs", train: TrainingTests.blobs(n: 90, seed: 3), test: nil)
        let points: [ParameterVector<Double>] = (1...3).map { network.initialParameters(seed: UInt64($0)) }
        let basis = try PlaneBasis(points[0], points[1], points[2])
        let evaluator = PathEvaluator(network: network, batchSize: 32)
        let markers = basis.markers
        let surface = try evaluator.surface(
            origin: basis.origin, u: basis.u, v: basis.v, x: markers.map(\.x), y: markers.map(\.y), on: dataset)
        for (i, p) in points.enumerated() {
            let direct = network.evaluate(p, on: dataset.train)
            #expect(abs(surface.splits["train"]![i][i].loss - direct.loss) < 1e-10)
        }
        let d = network.filterNormalizedDirection(around: points[0], seed: 9)
        for spec in network.layout.tensors {
            let w = points[0].tensor(spec.name)!, dw = d.tensor(spec.name)!
            for r in 0..<w.rows {
                let wn = (0..<w.columns).reduce(0.0) { $0 + w[r, $1] * w[r, $1] }
                let dn = (0..<w.columns).reduce(0.0) { $0 + dw[r, $1] * dw[r, $1] }
                #expect(spec.name.hasSuffix(".bias") ? dn == 0 : abs(dn.squareRoot() - wn.squareRoot()) < 1e-12)
            }
        }
        let line = try evaluator.surface(origin: points[0], u: d, v: nil, x: [-1, 0, 1], y: [0], on: dataset)
        #expect(abs(line.splits["train"]![0][1].loss - network.evaluate(points[0], on: dataset.train).loss) < 1e-12)
    }
}
