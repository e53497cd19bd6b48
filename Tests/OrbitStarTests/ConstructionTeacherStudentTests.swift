import Foundation
import OrbitData
import OrbitNetworks
import OrbitNumerics
import OrbitPaths
import Testing

@testable import OrbitStar

@Suite("Constructions: teacher–student (Thm 6, Lemma 7, Thm 8)")
struct ConstructionTeacherStudentTests {
    static let zero = 1e-9

    /// Thm 6: sampled minima evaluate to zero loss in Orbit's network, on Gaussian and sphere inputs,
    /// for every sampling convention, and round-trip through the parameter vector.
    @Test func sampledMinimaHaveZeroLoss() throws {
        var g = SeededGenerator(seed: 1)
        for (teacherM, d, m) in [(1, 1, 3), (2, 3, 2), (3, 5, 7), (4, 4, 12)] {
            for distribution in [NeuronTypeDistribution.liveUniform, .uniformWithDead, .sparse(deadProbability: 0.5)] {
                let sampler = try TeacherStudentSampler(
                    teacherWidth: teacherM, inputDimension: d, studentWidth: m, distribution: distribution)
                for inputs in ConstructionInputs.allCases {
                    let data = ConstructionData.teacherStudent(
                        teacherWidth: teacherM, inputDimension: d, samples: 300, distribution: inputs, seed: 7)
                    let minimum = try sampler.sample(using: &g)
                    let theta = minimum.parameters()
                    let loss = minimum.network.evaluate(theta, on: data.train).loss
                    #expect(loss < Self.zero, "M=\(teacherM) m=\(m) \(distribution) \(inputs): loss \(loss)")
                    let back = try TeacherStudentMinimum(parameters: theta, teacherWidth: teacherM)
                    #expect(back.types == minimum.types)
                    #expect(zip(back.scales, minimum.scales).allSatisfy { abs($0 - $1) < 1e-12 })
                }
            }
        }
    }

    /// Known answer: the compact description is the paper's student, `mlp:d-m-1:relu:nobias`.
    @Test func networkIsThePapersStudent() throws {
        let network = TeacherStudentMinimum.network(inputDimension: 5, studentWidth: 7)
        #expect(network == (try Network(parsing: "mlp:5-7-1:relu:nobias")))
        #expect(network.layout.tensors.map(\.shape) == [[7, 5], [1, 7]])
    }

    /// The erratum: a negative multiple of e_j (allowed by the printed 'α ≠ 0') is not a minimum.
    @Test func negativeScalesAreNotMinima() throws {
        #expect(throws: ConstructionError.self) {
            try TeacherStudentMinimum(teacherWidth: 1, inputDimension: 1, types: [1, 1], scales: [1.5, -0.5])
        }
        let network = TeacherStudentMinimum.network(inputDimension: 1, studentWidth: 2)
        var theta = ParameterVector<Double>(layout: network.layout)
        theta.setTensor("layers.0.weight", to: Matrix([[1.5], [-0.5]]))
        theta.setTensor("layers.2.weight", to: Matrix([[1, 1]]))
        let data = ConstructionData.teacherStudent(teacherWidth: 1, inputDimension: 1, samples: 500, seed: 3)
        // f(x) − f*(x) = 1.5·ReLU(x) + 0.5·ReLU(−x) − ReLU(x) = 0.5|x|, so the loss is 0.25·E x² ≈ 0.25.
        let loss = network.evaluate(theta, on: data.train).loss
        #expect(loss > 0.05)
        #expect(throws: ConstructionError.self) { try TeacherStudentMinimum(parameters: theta, teacherWidth: 1) }
        // Column sums must be 1.
        #expect(throws: ConstructionError.self) {
            try TeacherStudentMinimum(teacherWidth: 2, inputDimension: 2, types: [1, 2], scales: [1, 0.9])
        }
    }

    /// Lemma 7's verdict agrees with the measured max loss along the segment, both outcomes occurring.
    @Test func lemma7AgreesWithMeasuredSegments() throws {
        let (teacherM, d, m) = (3, 4, 5)
        let sampler = try TeacherStudentSampler(
            teacherWidth: teacherM, inputDimension: d, studentWidth: m, distribution: .sparse(deadProbability: 0.5))
        let data = ConstructionData.teacherStudent(teacherWidth: teacherM, inputDimension: d, samples: 300, seed: 5)
        let network = TeacherStudentMinimum.network(inputDimension: d, studentWidth: m)
        var g = SeededGenerator(seed: 9)
        var connected = 0, broken = 0
        for _ in 0..<60 {
            let a = try sampler.sample(using: &g), b = try sampler.sample(using: &g)
            let verdict = try a.linearConnectivity(to: b)
            let peak = try ConstructionData.maximumLoss(
                network: network, path: .line(a.parameters(), b.parameters()), on: data,
                t: PathProfile.grid(points: 9))
            #expect(verdict.connected == (peak < Self.zero), "types \(a.types) vs \(b.types): max loss \(peak)")
            if verdict.connected { connected += 1 } else { broken += 1 }
        }
        #expect(connected >= 5 && broken >= 5, "connected \(connected), broken \(broken)")
    }

    /// Brute force over every centre type pattern (scales do not matter for Lemma 7) agrees with the
    /// exact 2-piece test, and a returned centre gives a zero-loss fold-line.
    @Test func twoPieceCentreMatchesBruteForceAndHasZeroLoss() throws {
        let (teacherM, d, m) = (2, 2, 4)
        let sampler = try TeacherStudentSampler(
            teacherWidth: teacherM, inputDimension: d, studentWidth: m, distribution: .uniformWithDead)
        let data = ConstructionData.teacherStudent(teacherWidth: teacherM, inputDimension: d, samples: 300, seed: 4)
        let network = TeacherStudentMinimum.network(inputDimension: d, studentWidth: m)
        var g = SeededGenerator(seed: 10)
        var found = 0, missing = 0
        for _ in 0..<80 {
            let a = try sampler.sample(using: &g), b = try sampler.sample(using: &g)
            var exists = false
            for code in 0..<Int(pow(Double(teacherM + 1), Double(m))) {
                var types: [Int] = []
                var rest = code
                for _ in 0..<m {
                    types.append(rest % (teacherM + 1))
                    rest /= teacherM + 1
                }
                guard (1...teacherM).allSatisfy({ types.contains($0) }) else { continue }
                let counts = types.map { t in types.filter { $0 == t }.count }
                let scales = zip(types, counts).map { $0 == 0 ? 0 : 1 / Double($1) }
                let centre = try TeacherStudentMinimum(
                    teacherWidth: teacherM, inputDimension: d, types: types, scales: scales)
                if try centre.linearConnectivity(to: a).connected && centre.linearConnectivity(to: b).connected {
                    exists = true
                    break
                }
            }
            let centre = try a.twoPieceCentre(with: b)
            #expect((centre != nil) == exists, "\(a.types) / \(b.types)")
            if let centre {
                found += 1
                #expect(try centre.linearConnectivity(to: a).connected)
                #expect(try centre.linearConnectivity(to: b).connected)
                let peak = try ConstructionData.maximumLoss(
                    network: network, path: .foldLine(a.parameters(), via: centre.parameters(), b.parameters()),
                    on: data, t: PathProfile.grid(points: 9))
                #expect(peak < Self.zero)
            } else {
                missing += 1
            }
        }
        #expect(found > 0 && missing > 0, "found \(found), missing \(missing)")
    }

    /// Thm 8: with a fixed seed the Monte-Carlo probability is not significantly below the bound
    /// (the Wilson 99.9 % upper limit is ≥ the bound), at widths where the bound is informative.
    @Test func theorem8EstimateIsAboveTheBound() throws {
        var g = SeededGenerator(seed: 12)
        for (teacherM, m) in [(2, 8), (2, 16), (3, 30), (3, 60)] {
            let sampler = try TeacherStudentSampler(teacherWidth: teacherM, inputDimension: teacherM, studentWidth: m)
            let e = try TwoPieceConnectivity.estimate(sampler: sampler, trials: 1500, generator: &g)
            let bound = TwoPieceConnectivity.theorem8Bound(studentWidth: m, teacherWidth: teacherM)
            let wide = BinomialEstimate(successes: e.successes, trials: e.trials, z: 3.29)
            #expect(wide.interval.upperBound >= bound, "M=\(teacherM) m=\(m): \(e.estimate) vs \(bound)")
        }
        // Known values of the bound: M = 2, m = 8 → 1 − 2·(3/4)⁴.
        #expect(
            abs(TwoPieceConnectivity.theorem8Bound(studentWidth: 8, teacherWidth: 2) - (1 - 2 * 0.31640625)) < 1e-15)
    }

    /// The exact probability agrees with brute-force enumeration of every pair of type patterns that
    /// use all directions (M = 2, m = 3 and M = 2, m = 4; M = 3, m = 4).
    @Test func exactProbabilityMatchesEnumeration() {
        for (teacherM, m) in [(2, 3), (2, 4), (3, 4)] {
            let base = teacherM
            let patterns = (0..<Int(pow(Double(base), Double(m)))).map { code -> [Int] in
                var rest = code
                return (0..<m).map { _ in
                    defer { rest /= base }
                    return 1 + rest % base
                }
            }.filter { types in (1...teacherM).allSatisfy(types.contains) }
            var good = 0
            for a in patterns {
                for b in patterns
                where (1...teacherM).allSatisfy({ j in (0..<m).contains { a[$0] == j && b[$0] == j } }) {
                    good += 1
                }
            }
            let brute = Double(good) / Double(patterns.count * patterns.count)
            let exact = TwoPieceConnectivity.exactProbability(studentWidth: m, teacherWidth: teacherM)
            #expect(abs(exact - brute) < 1e-12, "M=\(teacherM) m=\(m): \(exact) vs \(brute)")
        }
    }

    /// Wilson interval known answers: 0 of 10 at z = 1.96 has upper limit z²/(n + z²); symmetric at ½.
    @Test func wilsonIntervalKnownAnswers() {
        let zero = BinomialEstimate(successes: 0, trials: 10)
        #expect(zero.interval.lowerBound == 0)
        #expect(abs(zero.interval.upperBound - 1.96 * 1.96 / (10 + 1.96 * 1.96)) < 1e-12)
        let half = BinomialEstimate(successes: 50, trials: 100)
        #expect(abs(half.interval.lowerBound + half.interval.upperBound - 1) < 1e-12)
    }

    /// The sampler refuses m < M and accepts the smallest width.
    @Test func samplerValidatesWidths() throws {
        #expect(throws: ConstructionError.self) {
            try TeacherStudentSampler(teacherWidth: 3, inputDimension: 3, studentWidth: 2)
        }
        var g = SeededGenerator(seed: 2)
        let minimum = try TeacherStudentSampler(teacherWidth: 3, inputDimension: 3, studentWidth: 3).sample(using: &g)
        #expect(minimum.types.sorted() == [1, 2, 3])
        #expect(minimum.scales == [1, 1, 1])
    }
}
