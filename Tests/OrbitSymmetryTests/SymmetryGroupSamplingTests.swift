import Testing

@testable import OrbitNetworks
@testable import OrbitNumerics
@testable import OrbitSymmetry

/// Random group elements drawn by ``SymmetryGroup/randomAction(network:seed:strength:)`` (what
/// `orbit symmetry transform|check` apply): each is an exact symmetry of its network, moves θ, and is a
/// function of the seed alone.
@Suite struct SymmetryGroupSamplingTests {
    /// A network each group acts on: GL needs a linear chain, rescaling a positively homogeneous activation.
    static func network(for group: SymmetryGroup) throws -> Network {
        switch group {
        case .generalLinear: try Network(parsing: "linear:4-5-5-3")
        case .rescaling: try Network(parsing: "mlp:4-6-5-3:relu")
        case .permutation: try Network(parsing: "mlp:4-6-5-3:tanh")
        }
    }

    @Test(arguments: SymmetryGroup.allCases) func randomElementIsAnExactSymmetry(_ group: SymmetryGroup) throws {
        let network = try Self.network(for: group)
        let theta = network.initialParameters(seed: 1, as: Double.self)
        var g = SeededGenerator(seed: 2)
        let inputs = Matrix<Double>.normal(rows: 30, columns: network.inputSize, generator: &g)
        let action = try group.randomAction(network: network, seed: 7, strength: 0.5)
        #expect(try action.check(theta, inputs: inputs, tolerance: 1e-10) <= 1e-10)
        let moved = try action.act(on: theta)
        #expect(moved.distance(to: theta) > 1e-3 * theta.norm, "\(group): the element should move θ")
        // The same seed draws the same element; another seed another one.
        let again = try group.randomAction(network: network, seed: 7, strength: 0.5).act(on: theta)
        #expect(again.distance(to: moved) == 0)
        let other = try group.randomAction(network: network, seed: 8, strength: 0.5).act(on: theta)
        #expect(other.distance(to: moved) > 1e-6)
    }

    @Test func permutationElementOnlyReordersTheParameters() throws {
        let network = try Self.network(for: .permutation)
        let theta = network.initialParameters(seed: 3, as: Double.self)
        let moved = try SymmetryGroup.permutation.randomAction(network: network, seed: 4, strength: 0.5).act(on: theta)
        func sorted(_ p: ParameterVector<Double>) -> [Double] { p.flat.sorted() }
        #expect(sorted(moved) == sorted(theta))
    }

    /// det exp(L) = e^{tr L} with L = strength·G/√h, G drawn from the same generator; strength 0 gives I.
    @Test func generalLinearElementHasTheDeterminantOfItsLogarithm() throws {
        for h in [1, 3, 6] {
            var draw = SeededGenerator(seed: 11)
            let g = try SymmetryGroup.randomGeneralLinear(size: h, strength: 0.8, generator: &draw)
            var replay = SeededGenerator(seed: 11)
            let gaussian = Matrix<Double>.normal(rows: h, columns: h, generator: &replay)
            let trace = (0..<h).reduce(0.0) { $0 + gaussian[$1, $1] } * 0.8 / Double(h).squareRoot()
            let determinant = try g.determinant()
            #expect(abs(determinant - Double.exp(trace)) <= 1e-10 * Double.exp(trace), "h = \(h)")
            var zero = SeededGenerator(seed: 11)
            let identity = try SymmetryGroup.randomGeneralLinear(size: h, strength: 0, generator: &zero)
            #expect(identity == Matrix<Double>.identity(h))
        }
    }

    @Test func generalLinearRefusesANonLinearNetwork() throws {
        let network = try Network(parsing: "mlp:4-6-3:relu")
        #expect(throws: SymmetryError.self) {
            _ = try SymmetryGroup.generalLinear.randomAction(network: network, seed: 0, strength: 0.5)
        }
    }
}
