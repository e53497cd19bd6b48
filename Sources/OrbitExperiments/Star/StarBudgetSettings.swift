import OrbitTraining

/// The sizes of Lin, Li & Wu's FNN experiments (Table 1, `star-table1-fnn`; Table 2, `star-ngd-fnn`)
/// under each budget (``ReproductionBudget``).
///
/// - quick: 784-32-10 on 2000 samples, minima 1 epoch, centre 1 epoch (tests and CI).
/// - full: the paper's 784-500-300-10 on the whole training split, minima 3 epochs, centre 5.
/// - paper: §5's own numbers where it states them — centre 200 epochs (Adam 0.01, B_r = 1,
///   B_t = 3), minima with Adam 1e-3 in batches of 200 — and, where it is silent (the minima's
///   epochs), training to the plateau of the train loss (``TrainingPlateau``: < 1% over 5 epochs)
///   with a cap of 100 epochs; every minimum and centre checkpoints (``ClaimStateStore``).
/// - paper, miniature (``ReproductionContext/miniature``, a test hook): the paper procedure at
///   784-16-10 on 600 samples, minima capped at 6 epochs, centre 5 epochs, a checkpoint every step.
struct StarFNNSetting {
    var architecture: String
    /// Samples per split loaded (nil: all).
    var dataLimit: Int?
    /// The minima's epochs: the count, or the cap when `plateau` is set.
    var minimaEpochs: Int
    var plateau: TrainingPlateau?
    var centreEpochs: Int
    /// Training samples the barriers are evaluated on (the first ones), and test samples (Table 1).
    var evaluationSamples: Int
    var testSamples: Int
    /// Values of t per arm.
    var points: Int
    var states: ClaimStateStore?
    /// What the reduced sizes are, for `differences` (nil for full and paper).
    var reducedSizes: String?

    init(_ context: ReproductionContext) {
        switch context.budget {
        case .quick:
            self.init(
                architecture: "mlp:784-32-10:relu", dataLimit: 2000, minimaEpochs: 1, centreEpochs: 1,
                evaluationSamples: 2000, testSamples: 500, points: 7,
                reducedSizes: "quick mode: 784-32-10 on 2000 samples")
        case .full:
            self.init(
                architecture: "mlp:784-500-300-10:relu", dataLimit: nil, minimaEpochs: 3, centreEpochs: 5,
                evaluationSamples: 10000, testSamples: 10000, points: 13)
        case .paper where context.miniature:
            self.init(
                architecture: "mlp:784-16-10:relu", dataLimit: 600, minimaEpochs: 6, plateau: TrainingPlateau(),
                centreEpochs: 5, evaluationSamples: 600, testSamples: 200, points: 5,
                reducedSizes:
                    "miniature paper budget (test hook): 784-16-10 on 600 samples, minima ≤ 6 epochs, centre 5 epochs")
        case .paper:
            self.init(
                architecture: "mlp:784-500-300-10:relu", dataLimit: nil, minimaEpochs: 100, plateau: TrainingPlateau(),
                centreEpochs: 200, evaluationSamples: 10000, testSamples: 10000, points: 13)
        }
        states = context.states
    }

    private init(
        architecture: String, dataLimit: Int?, minimaEpochs: Int, plateau: TrainingPlateau? = nil, centreEpochs: Int,
        evaluationSamples: Int, testSamples: Int, points: Int, reducedSizes: String? = nil
    ) {
        self.architecture = architecture
        self.dataLimit = dataLimit
        self.minimaEpochs = minimaEpochs
        self.plateau = plateau
        self.centreEpochs = centreEpochs
        self.evaluationSamples = evaluationSamples
        self.testSamples = testSamples
        self.points = points
        self.reducedSizes = reducedSizes
        states = nil
    }

    /// How the minima were trained, for `differences`.
    var minimaTraining: String {
        guard let plateau else {
            return "minima trained \(minimaEpochs) epoch(s) (the paper does not state its count)"
        }
        return
            "minima trained to the train-loss plateau (\(plateau), cap \(minimaEpochs) epochs; the paper does not state its count)"
    }
}

/// The sizes of the NGD-against-width experiments (Figs. 3–4, `star-ngd-width-relu`,
/// `star-ngd-width-linear`) under each budget. The paper states only the centre algorithm (§5:
/// Adam 0.01, B_r = 1, B_t = 3, 200 epochs) and, for Fig. 4, an average of 5 runs; its widths, data
/// sizes and the minima's training are not stated, so `paper` keeps full's widths, runs and data
/// and trains the minima to the plateau of their loss (``TrainingPlateau``) instead of a fixed count.
/// Under `paper` the centres and the linear networks' minima checkpoint (``ClaimStateStore``); the ReLU
/// students (full-batch steps of a network of at most 64·4 weights, seconds) are trained again on a
/// rerun, to the same bits, so their centres' state files (keyed by the feet's fingerprint) still fit.
struct StarWidthSetting {
    var widths: [Int]
    var runs: Int
    /// Training samples.
    var n: Int
    /// The minima's training: epochs (linear) or full-batch steps (ReLU students), the cap when
    /// `plateau` is set.
    var minimaLength: Int
    var plateau: TrainingPlateau?
    var centreEpochs: Int
    var points: Int
    var states: ClaimStateStore?
    var reducedSizes: String?

    /// Fig. 3's ReLU students (full-batch Adam; the plateau is tested every 100 steps).
    static func relu(_ context: ReproductionContext) -> StarWidthSetting {
        switch context.budget {
        case .quick:
            return .init(
                widths: [4, 8], runs: 1, n: 200, minimaLength: 300, centreEpochs: 10, points: 7,
                states: context.states, reducedSizes: "quick mode: widths 4 and 8, n = 200")
        case .full:
            return .init(
                widths: [4, 8, 16, 32, 64], runs: 3, n: 1000, minimaLength: 3000, centreEpochs: 100, points: 13,
                states: context.states)
        case .paper where context.miniature:
            return .init(
                widths: [4, 8], runs: 1, n: 200, minimaLength: 600, plateau: TrainingPlateau(), centreEpochs: 4,
                points: 7, states: context.states,
                reducedSizes:
                    "miniature paper budget (test hook): widths 4 and 8, n = 200, ≤ 600 steps, centre 4 epochs")
        case .paper:
            return .init(
                widths: [4, 8, 16, 32, 64], runs: 3, n: 1000, minimaLength: 20000, plateau: TrainingPlateau(),
                centreEpochs: 200, points: 13, states: context.states)
        }
    }

    /// Fig. 4's linear networks (minibatch Adam; the plateau is tested every epoch).
    static func linear(_ context: ReproductionContext) -> StarWidthSetting {
        switch context.budget {
        case .quick:
            return .init(
                widths: [2, 4], runs: 1, n: 200, minimaLength: 40, centreEpochs: 10, points: 7, states: context.states,
                reducedSizes: "quick mode: widths 2 and 4, 1 run, n = 200")
        case .full:
            return .init(
                widths: [2, 4, 8, 16, 32], runs: 5, n: 1000, minimaLength: 200, centreEpochs: 100, points: 13,
                states: context.states)
        case .paper where context.miniature:
            return .init(
                widths: [2, 4], runs: 1, n: 200, minimaLength: 40, plateau: TrainingPlateau(), centreEpochs: 4,
                points: 7, states: context.states,
                reducedSizes: "miniature paper budget (test hook): widths 2 and 4, 1 run, n = 200, centre 4 epochs")
        case .paper:
            return .init(
                widths: [2, 4, 8, 16, 32], runs: 5, n: 1000, minimaLength: 1000, plateau: TrainingPlateau(),
                centreEpochs: 200, points: 13, states: context.states)
        }
    }

    /// What `paper` sets and what the paper leaves open, for `differences` (nil under quick and full).
    func paperNote(minima unit: String) -> String? {
        guard let plateau else { return nil }
        return
            "paper budget: centre \(centreEpochs) epochs (§5's count), minima to the loss plateau (\(plateau), tested every \(unit), cap \(minimaLength)); the paper does not state the widths, the number of runs, n or the minima's training, so full's are kept"
    }
}
