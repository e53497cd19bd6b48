import Foundation
import OrbitData
import OrbitNetworks
import OrbitReports
import OrbitStar
import OrbitTraining

/// The diagnosis of the FNN claims (Tables 1 and 2 of Lin, Li & Wu 2024) under each budget: the
/// claim's recipe and its ablations (``StarDiagnosis``) on a subset of the training data.
struct FNNDiagnosis {
    var architecture: String
    /// Training samples the minima and the centres see (nil: all).
    var trainLimit: Int?
    /// Training samples the barriers are evaluated on.
    var evaluationLimit: Int
    var points: Int
    var minimaEpochs: Int
    /// The plateau rule: stop after the first epoch whose running train loss fell by less than
    /// `plateauTolerance` (relative) from the previous epoch's, or after `plateauCap` epochs.
    var plateauCap: Int
    var plateauTolerance: Double
    var grid: StarDiagnosisGrid

    /// The budget's setting. quick: the claim's quick network on 1000 samples (seconds); full: the
    /// FNN on 10 000 samples, centre epochs {5, 50}, λ ∈ {0, 1e-4, 1e-3, 1e-2}; paper: all 60 000
    /// samples, centre epochs {5, 50, 200}, λ ∈ {0, 1e-5, 1e-4, 1e-3, 1e-2}.
    init(budget: ReproductionBudget, claimPenalty: Double) {
        let rates = [0.01, 0.001]
        switch budget {
        case .quick:
            architecture = "mlp:784-32-10:relu"
            trainLimit = 1000
            evaluationLimit = 500
            points = 5
            minimaEpochs = 1
            plateauCap = 4
            grid = StarDiagnosisGrid(
                centreEpochs: [1, 3], penalties: Self.withClaim([0, 1e-3], claimPenalty), learningRates: rates,
                description: "quick: 784-32-10 on 1000 training samples, barriers on 500 at 5 points per arm")
        case .full:
            architecture = "mlp:784-500-300-10:relu"
            trainLimit = 10000
            evaluationLimit = 4000
            points = 11
            minimaEpochs = 3
            plateauCap = 30
            grid = StarDiagnosisGrid(
                centreEpochs: [5, 50], penalties: Self.withClaim([0, 1e-4, 1e-3, 1e-2], claimPenalty),
                learningRates: rates,
                description:
                    "full (reduced grid): the FNN 784-500-300-10 on the first 10 000 training samples (50 steps per epoch), barriers on 4000 of them at 11 points per arm"
            )
        case .paper:
            architecture = "mlp:784-500-300-10:relu"
            trainLimit = nil
            evaluationLimit = 10000
            points = 13
            minimaEpochs = 3
            plateauCap = 100
            grid = StarDiagnosisGrid(
                centreEpochs: [5, 50, 200], penalties: Self.withClaim([0, 1e-5, 1e-4, 1e-3, 1e-2], claimPenalty),
                learningRates: rates, ablationEpochs: 50,
                description:
                    "paper: the FNN 784-500-300-10 on all training samples, barriers on 10 000 at 13 points per arm; the single-change variants run 50 centre epochs, against the baseline's read-off at 50"
            )
        }
        plateauTolerance = 0.05
    }

    static func withClaim(_ grid: [Double], _ penalty: Double) -> [Double] { Array(Set(grid + [penalty])).sorted() }

    var plateauRule: String {
        "Adam 1e-3, batch 200, until an epoch's running train loss falls by less than \(Int(plateauTolerance * 100))% from the previous epoch's, at most \(plateauCap) epochs"
    }

    /// Runs the diagnosis for `feetCount` minima (seeds `seedOffset` + 1 …) and a centre of
    /// `centreEpochs` epochs with λ = `penalty` as the baseline.
    func run(
        context: ReproductionContext, feetCount: Int, seedOffset: UInt64, centreEpochs: Int, penalty: Double,
        criterion: @escaping (StarDiagnosisRow) -> Bool
    ) throws -> [StarDiagnosisRow] {
        let (loaded, _) = StarExperiments.classificationData(context.data, limit: trainLimit, seed: context.seed)
        let dataset = Dataset(name: loaded.name, train: loaded.train, test: nil)
        let evaluation = Dataset(name: loaded.name, train: loaded.train.prefix(evaluationLimit), test: nil)
        let network = try Network(parsing: architecture)
        let training = TrainingConfiguration(
            epochs: minimaEpochs, batchSize: 200, learningRate: 1e-3, optimizer: .adam(), seed: 0)
        let cap = plateauCap
        let plateauStop = TrainingPlateau(window: 1, relativeImprovement: plateauTolerance)
        let states = context.states
        let setup = StarDiagnosisSetup(
            network: network, dataset: dataset, evaluation: evaluation,
            centre: CentreConfiguration(
                epochs: centreEpochs, batchSize: 200, learningRate: 0.01, penalty: penalty, seed: context.seed),
            points: points, grid: grid,
            trainFeet: { plateau in
                var feet = StarDiagnosisFeet(feet: [], trainLoss: [], lengths: [])
                for k in 1...feetCount {
                    var config = training
                    config.seed = context.seed &+ seedOffset &+ UInt64(k)
                    if plateau { config.epochs = cap }
                    let trainer = try Trainer<Float>(
                        network: network, dataset: dataset, configuration: config, progress: context.progress)
                    let state = try states.train(
                        trainer, name: "diagnosis-\(plateau ? "plateau-" : "")minimum-\(k)-seed\(config.seed)",
                        plateau: plateau ? plateauStop : nil)
                    feet.feet.append(state.parameters)
                    feet.trainLoss.append(
                        network.evaluate(state.parameters, on: dataset.train, loss: .softmaxCrossEntropy).loss)
                    feet.lengths.append(state.completedEpochs)
                }
                return feet
            }, plateauRule: plateauRule, criterion: criterion, progress: context.progress, states: states)
        return try StarDiagnosis.run(setup)
    }
}

extension FNNDiagnosis {
    /// Table 1's diagnosis (5 minima, λ = 0): the claim's criterion on each variant, its section,
    /// its objective traces (diagnosis-centre-objective.svg) and its conclusion in the verdict.
    static func addTableOne(to outcome: ClaimOutcome, context: ReproductionContext, centreEpochs: Int) throws
        -> ClaimOutcome
    {
        let diagnosis = FNNDiagnosis(budget: context.miniature ? .quick : context.budget, claimPenalty: 0)
        let rows = try diagnosis.run(
            context: context, feetCount: 5, seedOffset: 100, centreEpochs: centreEpochs, penalty: 0
        ) { r in
            r.foldMeanEndpoint <= 0.1 * r.directMeanEndpoint && (r.foldAccuracyMin ?? 0) >= (r.directAccuracyMin ?? 1)
        }
        return try diagnosis.attach(
            rows, to: outcome, context: context,
            criterion: "the fold-lines' mean-endpoint barrier ≤ 0.1 × the direct lines' and a higher minimum accuracy",
            score: { $0.foldMeanEndpoint / $0.directMeanEndpoint }, scoreName: "fold/direct mean-endpoint barrier")
    }

    /// Table 2's diagnosis (2 minima, the claim's λ).
    static func addTableTwo(
        to outcome: ClaimOutcome, context: ReproductionContext, centreEpochs: Int, penalty: Double
    ) throws -> ClaimOutcome {
        let diagnosis = FNNDiagnosis(budget: context.miniature ? .quick : context.budget, claimPenalty: penalty)
        let rows = try diagnosis.run(
            context: context, feetCount: 2, seedOffset: 200, centreEpochs: centreEpochs, penalty: penalty
        ) { r in
            r.ngdBound <= 1.05 && (r.foldAccuracyMin ?? 0) >= (r.endpointAccuracy ?? 1) - 0.01
        }
        return try diagnosis.attach(
            rows, to: outcome, context: context,
            criterion: "NGD bound ≤ 1.05 and fold-line min accuracy ≥ the end points' − 1 pt",
            score: { $0.ngdBound }, scoreName: "NGD bound")
    }

    func attach(
        _ rows: [StarDiagnosisRow], to outcome: ClaimOutcome, context: ReproductionContext, criterion: String,
        score: (StarDiagnosisRow) -> Double, scoreName: String
    ) throws -> ClaimOutcome {
        let conclusion = StarDiagnosis.conclusion(rows, score: score, scoreName: scoreName)
        var section = StarDiagnosis.section(
            rows, grid: grid, criterion: criterion, plateauRule: plateauRule, conclusion: conclusion)
        let chart = StarDiagnosis.objectiveChart(rows, title: "Centre objective per epoch, each variant")
        try chart.write(to: "\(context.directory)/diagnosis-centre-objective.svg")
        section.figure(
            chart,
            caption:
                "Epoch mean of Eq. 7's minibatch objective for each variant (the centre-epochs rows share one fit).")
        return outcome.addingDiagnosis(
            rows, section: section, conclusion: conclusion,
            extra: [
                "grid": grid.description, "centre_epochs": grid.centreEpochs, "penalties": grid.penalties,
                "learning_rates": grid.learningRates, "plateau_rule": plateauRule, "criterion": criterion,
            ])
    }
}
