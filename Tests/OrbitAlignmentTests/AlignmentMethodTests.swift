import Foundation
import OrbitAlignment
import OrbitNetworks
import OrbitNumerics
import Testing

/// Every `--method` value through the one ``PermutationMatcher`` interface, and the merge built on it:
/// on B = π(A) + tiny noise each method must return π⁻¹, the permutation must pass the
/// functional-equivalence check, and merging must give back A.
@Suite struct AlignmentMethodTests {
    typealias P = AlignmentMatchingTests

    @Test(arguments: AlignmentMethod.allCases) func everyMethodRecoversAPlantedPermutation(_ method: AlignmentMethod)
        throws
    {
        for d in ["mlp:6-12-10-4:tanh", "mlp:6-12-10-4:relu:nobias"] {
            let p = try P.planted(d)
            let matcher = method.matcher(seed: 3)
            #expect(matcher.needsInputs == method.needsInputs)
            let result = try matcher.match(
                network: p.network, p.a, p.b, spec: p.spec, inputs: method.needsInputs ? p.inputs : nil)
            #expect(result.permutations == p.pi.inverse, "\(method) on \(d) did not recover the planted permutation")
            let (permuted, deviation) = try FunctionalEquivalence.applyChecked(
                result.permutations, spec: p.spec, network: p.network, to: p.b, inputs: p.inputs)
            #expect(deviation <= 1e-4)
            #expect(Double(permuted.distance(to: p.a)) < 1e-3, "\(method): π(B) should be A up to the noise")
        }
    }

    /// The methods that read data say so, and without inputs fail with a typed error, not a crash.
    @Test func dataMethodsRefuseMissingInputs() throws {
        #expect(AlignmentMethod.allCases.filter(\.needsInputs) == [.activation, .sigma])
        let p = try P.planted("mlp:6-12-10-4:tanh")
        for method in AlignmentMethod.allCases where method.needsInputs {
            #expect(throws: AlignmentError.invalidData(reason: "no input samples")) {
                _ = try method.matcher().match(network: p.network, p.a, p.b, spec: p.spec, inputs: nil)
            }
        }
    }

    /// Two models: B = π(A) + noise aligned by every method and averaged gives back A (up to the noise),
    /// with one pairwise check; REPAIR of two copies of one function changes nothing.
    @Test(arguments: AlignmentMethod.allCases) func pairwiseMergeOfAPermutedCopyIsTheOriginal(_ method: AlignmentMethod)
        throws
    {
        let p = try P.planted("mlp:6-12-10-4:tanh")
        let merge = try Merging.merge(
            models: [p.a, p.b], network: p.network, spec: p.spec, matcher: method.matcher(seed: 1),
            matchingInputs: p.inputs,
            checkInputs: FunctionalEquivalence.checkInputs(from: p.inputs, network: p.network),
            repairInputs: p.inputs)
        guard case .pairwise(let result, let deviation) = merge.alignment else {
            Issue.record("two models should be aligned pairwise")
            return
        }
        #expect(result.permutations == p.pi.inverse)
        #expect(deviation <= 1e-4 && merge.repaired && merge.aligned.count == 2)
        #expect(Double(merge.merged.distance(to: p.a)) < 1e-3 * max(1, Double(p.a.norm)))
    }

    /// More models: MergeMany; each model's permutation is checked and the merge of permuted copies is
    /// the original up to one common permutation.
    @Test func mergeOfSeveralPermutedCopiesUsesMergeMany() throws {
        let network = try Network(parsing: "mlp:5-9-7-3:relu")
        let spec = try PermutationSpec(network: network)
        let theta: ParameterVector<Float> = network.initialParameters(seed: 5)
        let copies = (1...3).map { spec.apply(Permutations.random(spec, seed: UInt64($0) * 13), to: theta) }
        let merge = try Merging.merge(
            models: copies, network: network, spec: spec, matcher: AlignmentMethod.weight.matcher(),
            matchingInputs: nil, checkInputs: FunctionalEquivalence.checkInputs(from: nil, network: network), seed: 1)
        guard case .mergeMany(let deviations, let iterations) = merge.alignment else {
            Issue.record("three models should be merged by MergeMany")
            return
        }
        #expect(deviations.count == 3 && deviations.allSatisfy { $0 <= 1e-4 } && iterations >= 1 && !merge.repaired)
        let back = try WeightMatching().match(theta, merge.merged, spec: spec)
        #expect(Double(spec.apply(back.permutations, to: merge.merged).distance(to: theta)) < 1e-5 * Double(theta.norm))
        #expect(throws: AlignmentError.self) {
            _ = try Merging.merge(
                models: [theta], network: network, spec: spec, matcher: WeightMatching(), matchingInputs: nil,
                checkInputs: FunctionalEquivalence.checkInputs(from: nil, network: network))
        }
    }

    /// The check inputs: the first 1000 samples, or 256 fixed Gaussian rows without data.
    @Test func checkInputsTakeTheFirstSamplesOrFixedGaussians() throws {
        let network = try Network(parsing: "mlp:3-4-2:relu")
        var g = SeededGenerator(seed: 1)
        let samples = Matrix<Float>.normal(rows: 1500, columns: 3, generator: &g)
        let taken = FunctionalEquivalence.checkInputs(from: samples, network: network)
        #expect(taken == samples.submatrix(rows: 0..<1000, columns: 0..<3))
        let few = samples.submatrix(rows: 0..<10, columns: 0..<3)
        #expect(FunctionalEquivalence.checkInputs(from: few, network: network) == few)
        let gaussian = FunctionalEquivalence.checkInputs(from: nil, network: network)
        #expect(gaussian.rows == 256 && gaussian.columns == 3)
        #expect(gaussian == FunctionalEquivalence.checkInputs(from: nil, network: network))
    }
}
