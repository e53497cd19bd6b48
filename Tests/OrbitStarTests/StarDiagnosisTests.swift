import Foundation
import OrbitData
import OrbitNetworks
import OrbitPaths
import OrbitStar
import OrbitTraining
import Testing

@testable import OrbitExperiments

/// The diagnoses of the star claims that differ (issue 19): each claim's quick run carries every
/// ablation row, with finite numbers, and its conclusion in the report; the Starlight claim's quick
/// run measures both barriers at every width and judges them by its stated criterion.
@Suite struct StarDiagnosisTests {
    static func run(_ id: String) throws -> (ClaimOutcome, [String]) {
        let claim = StarExperimentClaims.all.first { $0.id == id }!
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "star-diagnosis-\(id)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let outcome = try claim.run(in: ReproductionContext(directory: dir.path, quick: true, seed: 3))
        return (outcome, try FileManager.default.contentsOfDirectory(atPath: dir.path))
    }

    @Test(arguments: ["star-table1-fnn", "star-ngd-fnn", "star-ngd-width-relu"])
    func quickDiagnosisHasEveryAblation(id: String) throws {
        let (outcome, files) = try Self.run(id)
        let diagnosis = try #require(outcome.numbers["diagnosis"])
        let rows = diagnosis["rows"]?.array ?? []
        let ablations = Set(rows.compactMap { $0["ablation"]?.string })
        #expect(
            ablations == ["baseline", "centre epochs", "λ", "initial centre", "centre learning rate", "minima"],
            "\(ablations)")
        // Every value of each quick grid is a row: centre epochs and λ besides the claim's, one of each other.
        func count(_ ablation: String) -> Int { rows.filter { $0["ablation"]?.string == ablation }.count }
        #expect(count("baseline") == 1 && count("initial centre") == 1 && count("minima") == 1)
        #expect(count("centre epochs") >= 1 && count("λ") >= 1 && count("centre learning rate") == 1)
        for row in rows {
            let bound = row["ngd_bound"]?.double
            #expect(bound != nil && bound!.isFinite && bound! >= 1 - 1e-9, "\(row)")
        }
        let conclusion = try #require(diagnosis["conclusion"]?.string)
        #expect(conclusion.hasPrefix("Diagnosis:"))
        #expect(outcome.sections.contains { $0.heading.hasPrefix("Diagnosis") })
        if case .differs(let reason) = outcome.verdict { #expect(reason.contains(conclusion)) }
        if id == "star-ngd-width-relu" {
            #expect(files.contains("centre-objective-per-width.svg"), "\(files)")
            let students = diagnosis["students_train_loss"]?.array ?? []
            #expect(students.count == 2)
            let traces = diagnosis["centre_objective_per_width"]?.array ?? []
            #expect(traces.count == 2 && traces.allSatisfy { $0["objective"]?.array?.count == 10 })
        } else {
            #expect(files.contains("diagnosis-centre-objective.svg"), "\(files)")
        }
    }

    @Test func starlightQuickMeasuresBothBarriersAtEveryWidth() throws {
        let (outcome, files) = try Self.run("starlight-held-out")
        #expect(files.contains("starlight-held-out.svg"))
        let rows = outcome.numbers["rows"]?.array ?? []
        #expect(rows.compactMap { $0["width"]?.double } == [4, 16])
        var below: [Bool] = []
        for row in rows {
            let anchor = try #require(row["anchor_held_out_barrier"]?.double)
            let star = try #require(row["star_held_out_barrier"]?.double)
            // Barrier (ii) is a maximum over t that includes the end points, where it is 0.
            #expect(anchor >= 0 && star >= 0 && anchor.isFinite && star.isFinite)
            below.append(star < anchor)
        }
        // The verdict follows the stated criterion exactly.
        #expect((outcome.verdict == .reproduced) == below.allSatisfy { $0 })
        #expect(StarlightClaimAnchors.widths == [4, 32, 64, 128, 256])
        // The budget ablation at width 16: the baseline is the claim's own row, the centre variants
        // keep its minima, the minima variant trains them 3× longer.
        let ablation = try #require(outcome.numbers["diagnosis"]?["rows"]?.array)
        #expect(
            ablation.map { $0["ablation"]?.string ?? "" } == [
                "baseline", "minima epochs ×3", "centre epochs ×3", "centre learning rate",
            ])
        #expect(
            ablation[0]["numbers"]?["star_held_out_barrier"]?.doubles == [rows[1]["star_held_out_barrier"]!.double!])
        let feetLoss = ablation.map { $0["numbers"]?["minima_train_loss_max"]?.doubles?.first ?? .nan }
        #expect(feetLoss[2] == feetLoss[0] && feetLoss[3] == feetLoss[0] && feetLoss[1] != feetLoss[0])
        #expect(ablation.allSatisfy { $0["meets_criterion"]?.bool == (($0["score"]?.double ?? .nan) < 1) })
        if case .differs(let reason) = outcome.verdict {
            #expect(reason.contains("Diagnosis (budget ablation at widths 16"))
        }
    }

    /// At the paper's budget the single-change variants run the grid's `ablationEpochs` centre epochs
    /// (their objective traces are that long and their labels say so) while the long fit still runs
    /// to the claim's count and is read off at every count of the grid.
    @Test func variantsRunTheAblationEpochs() throws {
        let network = try Network(parsing: "mlp:4-6-3:relu")
        let dataset = try DatasetSpec(parsing: "synthetic:random-labels:d=4,k=3,n=60,test=10,seed=2").load()
        let data = Dataset(name: dataset.name, train: dataset.train, test: nil)
        let feet: [ParameterVector<Float>] = (1...3).map { network.initialParameters(seed: UInt64($0)) }
        let setup = StarDiagnosisSetup(
            network: network, dataset: data, evaluation: data,
            centre: CentreConfiguration(epochs: 6, batchSize: 20, learningRate: 0.01, penalty: 0, seed: 1),
            points: 5,
            grid: StarDiagnosisGrid(
                centreEpochs: [2, 6], penalties: [0, 1e-3], learningRates: [0.01, 0.001], ablationEpochs: 2,
                description: "test"),
            trainFeet: { _ in StarDiagnosisFeet(feet: feet, trainLoss: [0, 0, 0], lengths: [0, 0, 0]) },
            plateauRule: "none", criterion: { _ in false }, progress: ProgressReporter(style: .quiet))
        let rows = try StarDiagnosis.run(setup)
        let baseline = try #require(rows.first)
        #expect(baseline.isBaseline && baseline.objective.count == 6)
        let readOff = try #require(rows.first { $0.ablation == "centre epochs" })
        #expect(readOff.variant == "2" && readOff.objective.count == 2)
        let variants = rows.filter { ["λ", "initial centre", "centre learning rate", "minima"].contains($0.ablation) }
        #expect(variants.count == 4)
        for row in variants {
            #expect(row.objective.count == 2, "\(row.ablation) \(row.variant): \(row.objective.count) epochs")
            #expect(row.variant.hasSuffix("(2 centre epochs)"), "\(row.variant)")
        }
        // The same centre and data: the λ = 0 variant at 2 epochs would be the read-off itself; the
        // learning-rate variant differs from it.
        let rate = try #require(rows.first { $0.ablation == "centre learning rate" })
        #expect(rate.objective != readOff.objective)
    }

    /// With the centre at a foot (two feet), the fold-line θ1 → θ1 → θ2 is the direct line: the NGD
    /// bound is 1 and the fold-line's barriers are the direct line's (the grid is symmetric, so the
    /// second arm visits the direct line's points).
    @Test func centreAtAFootMeasuresTheDirectLine() throws {
        let network = try Network(parsing: "mlp:4-6-3:relu")
        let dataset = try DatasetSpec(parsing: "synthetic:random-labels:d=4,k=3,n=60,test=10,seed=2").load()
        let data = Dataset(name: dataset.name, train: dataset.train, test: nil)
        let feet: [ParameterVector<Float>] = [network.initialParameters(seed: 1), network.initialParameters(seed: 2)]
        let evaluator = PathEvaluator(network: network)
        let t = PathProfile.grid(points: 9)
        let direct = try StarDiagnosis.directLines(feet, evaluator: evaluator, evaluation: data, t: t)
        let row = try StarDiagnosis.measure(
            feet: StarDiagnosisFeet(feet: feet, trainLoss: [0, 0], lengths: [0, 0]), direct: direct,
            centre: feet[0], evaluator: evaluator, evaluation: data, t: t)
        #expect(abs(row.ngdBound - 1) < 1e-12)
        #expect(abs(row.foldPathMax - row.directPathMax) < 1e-5 * max(1, row.directPathMax))
        #expect(abs(row.foldMeanEndpoint - row.directMeanEndpoint) < 1e-5 * max(1, row.directPathMax))
        #expect(row.foldAccuracyMin == row.directAccuracyMin)
    }

    /// The diagnosis's student trained for one chunk is the claim's student bit for bit; to a plateau
    /// it trains whole chunks, within the cap, to a lower loss.
    @Test func plateauStudentExtendsTheClaimsStudent() throws {
        let dataset = TeacherStudentData(dimension: 4, teacherNeurons: 4, trainCount: 100, testCount: 0, seed: 5)
            .generate()
        let claim = try StarExperiments.trainStudent(
            width: 6, dataset: dataset, steps: 150, learningRate: 0.01, seed: 9)
        let one = try ReLUDiagnosis.trainStudent(
            width: 6, dataset: dataset, chunk: 150, cap: 150, tolerance: 0.1, seed: 9)
        #expect(one.0 == claim.0 && one.1 == claim.1 && one.2 == 150)
        let plateau = try ReLUDiagnosis.trainStudent(
            width: 6, dataset: dataset, chunk: 150, cap: 1500, tolerance: 0.1, seed: 9)
        #expect(plateau.2 % 150 == 0 && plateau.2 <= 1500 && plateau.2 > 150)
        #expect(plateau.1 < claim.1)
    }
}

/// The anchor widths, read through the public claim type.
enum StarlightClaimAnchors {
    static var widths: [Int] { OrbitExperiments.StarlightClaim.anchors.map(\.width) }
}
