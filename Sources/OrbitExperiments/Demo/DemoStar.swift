import OrbitData
import OrbitNetworks
import OrbitPaths
import OrbitStar
import OrbitTraining

extension Demo {
    /// A star centre c for all models (Lin, Li & Wu 2024, Eq. 6–7: Adam on the mean loss of the
    /// arms θ_i → c), then the fold-lines θ_i → c → θ_j with their normalised-geodesic-distance
    /// bound (‖θ_i − c‖ + ‖c − θ_j‖)/‖θ_i − θ_j‖ (Eq. 8) against the direct lines.
    func starGroup(
        models: [DemoModel], lines: [PathProfile], network: Network, dataset: Dataset, t: [Double],
        config: DemoConfiguration
    ) throws -> DemoPathGroup {
        let feet = models.filter { $0.seed != nil }
        let configuration = CentreConfiguration(
            epochs: config.centreEpochs, batchSize: config.training.batchSize, learningRate: 1e-3,
            optimizer: .adam(), feetPerStep: 1, tPerStep: 3, seed: 5)
        let fitter = try CentreFitter<Float>(
            network: network, dataset: dataset, feet: feet.map(\.parameters), configuration: configuration,
            progress: ProgressReporter(style: progressStyle, label: "centre"))
        let state = try fitter.run(from: try fitter.initialState())
        let centre = try save(
            name: "centre", seed: nil, parameters: state.centre, network: network, dataset: dataset,
            extra: ["orbit.role": "star centre of " + feet.map(\.name).joined(separator: ", ")])
        let star = StarCentre(centre: state.centre, feet: feet.map(\.parameters))
        let evaluator = PathEvaluator(network: network)
        var profiles: [PathProfile] = []
        var rows: [[String]] = []
        var bounds: [Double] = []
        for (i, j) in star.pairs {
            let fold = star.foldLine(i, j)
            let name = "fold-line \(feet[i].name)→c→\(feet[j].name)"
            let profile = try evaluator.profile(fold.path, on: dataset, t: t, name: name)
            profiles.append(profile)
            let bound = try fold.normalizedGeodesicDistanceBound()
            bounds.append(bound)
            let direct = lines.first { $0.name == "line \(feet[i].name)→\(feet[j].name)" }
            rows.append([
                "\(feet[i].name)–\(feet[j].name)",
                number(direct?.barrier(.pathMaximum, split: "test", metric: "loss")),
                number(profile.barrier(.pathMaximum, split: "test", metric: "loss")),
                percent(direct?.barrier(.pathMaximum, split: "test", metric: "accuracy")),
                percent(profile.barrier(.pathMaximum, split: "test", metric: "accuracy")),
                String(format: "%.4f", bound),
            ])
        }
        return DemoPathGroup(
            key: "star", heading: "A star centre that sees every model (Lin, Li & Wu 2024)",
            explanation:
                "One centre c is trained so that the straight arms θ_i → c from every model stay at low loss. Any two "
                + "models are then joined by the two-piece fold-line θ_i → c → θ_j, whose length over the direct "
                + "distance bounds the normalised geodesic distance (1 means a straight line would do).",
            profiles: profiles,
            tables: [
                (
                    "Direct line against the fold-line through the centre (as in the paper's Table 1: path maximum of "
                        + "the test loss, path minimum of the test accuracy) and the NGD bound of Eq. 8.",
                    [
                        "pair", "direct: max test loss", "fold-line: max test loss", "direct: min test acc",
                        "fold-line: min test acc", "NGD bound",
                    ],
                    rows
                )
            ],
            numbers: [
                "centre": centre.file, "epochs": config.centreEpochs, "ngd_bounds": bounds,
                "centre_objective_history": state.history,
            ])
    }

    func number(_ x: Double?) -> String { x.map { reportNumber($0, "%.4f") } ?? "–" }
    func percent(_ x: Double?) -> String { x.map { reportNumber($0 * 100, "%.2f%%") } ?? "–" }
}
