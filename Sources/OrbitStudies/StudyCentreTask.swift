import Foundation
import OrbitCheckpoints
import OrbitData
import OrbitFormats
import OrbitNetworks
import OrbitPaths
import OrbitReports
import OrbitStar
import OrbitTraining

/// The comparisons through fitted centres (Lin, Li & Wu 2024, §5 and Eq. 6–8; docs/math/star.md):
/// the NGD fold-line of a pair and the star of all models of a width.
extension StudyTask {
    /// The NGD comparison of A and `end` (B, or π(B) after matching), as `orbit ngd` measures it:
    /// fits a centre c for the two feet with ``CentreFitter``, evaluates the fold-line A → c → end
    /// exactly (an affine path through c, on 2·points − 1 values of t so each arm gets `points`,
    /// the grid `orbit ngd` splices from its arms) and the direct line on `points`. Records the
    /// bound (‖A − c‖ + ‖c − B‖)/‖A − B‖ (Eq. 8) as `ngd.bound`, every barrier of the fold-line
    /// under the names the line comparisons use, the fold-line's path-max loss again as
    /// `fold.SPLIT.loss.path_max` and the direct line's as `direct.SPLIT.loss.path_max` (the two
    /// numbers of Table 1, named as the star records them). Writes `centre.safetensors` and the
    /// fold-line's `profile.json`. Cost: the centre fit (epochs·⌈n/batch⌉ steps of B_r·B_t forward
    /// and backward passes) plus 3·points − 1 evaluations of the network on the data.
    func measureFoldLine(
        _ run: StudyRun, _ configuration: ComparisonRunConfiguration, network: Network, dataset: Dataset,
        a: ParameterVector<Float>, end: ParameterVector<Float>, endName: String, metrics alignment: [String: Double]
    ) throws {
        var metrics = alignment
        metrics["distance"] = Double(a.distance(to: end))
        let fit = configuration.centreTraining ?? CentreConfiguration(penalty: 1e-4, seed: configuration.seed ?? 0)
        let fitter = try CentreFitter<Float>(network: network, dataset: dataset, feet: [a, end], configuration: fit)
        let final = try fitter.run(from: fitter.initialState())
        metrics["centre.final_objective"] = final.history.last
        let fold = FoldLine(from: a, via: final.centre, to: end)
        metrics["ngd.bound"] = try fold.normalizedGeodesicDistanceBound()
        let evaluator = PathEvaluator(
            network: network, batchSize: configuration.evaluation.batchSize,
            batchNorm: configuration.evaluation.batchNormHandling)
        let points = configuration.evaluation.points
        let profile = try evaluator.profile(
            fold.path, on: dataset, t: PathProfile.grid(points: 2 * points - 1), name: "fold-line A→c→\(endName)")
        for barrier in profile.barriers {
            metrics["\(barrier.split).\(barrier.metric).\(barrier.definition.rawValue)"] = barrier.value
        }
        let direct = try evaluator.profile(
            fold.directPath, on: dataset, t: PathProfile.grid(points: points), name: "line A→\(endName)")
        for split in profile.splits.keys {
            metrics["fold.\(split).loss.path_max"] = profile.barrier(.pathMaximum, split: split)
            metrics["direct.\(split).loss.path_max"] = direct.barrier(.pathMaximum, split: split)
        }
        try store.commit(run.key, configuration: configuration, inputs: run.inputs, label: run.label) { folder in
            try JSONReport.write(profile, to: "\(folder)/profile.json")
            try writeCentre(final.centre, network: network, run: run, fit: fit, to: "\(folder)/centre.safetensors")
            return metrics
        }
    }

    /// A star over every model of one width (the run's inputs, in seed order): each model after
    /// the first is aligned to the first by the configuration's matching method, one centre c is
    /// fitted to all r of them, every arm θ_i → c and every pair's direct line θ_i → θ_j are
    /// evaluated on `points` values of t, and each pair's fold-line θ_i → c → θ_j is read off its
    /// two arms (on [0, ½] it is arm i at 2s, on [½, 1] arm j at 2 − 2s: exact on that grid, the
    /// splice `orbit star` reports). Records, as Lin, Li & Wu's Table 1, the mean over the
    /// r(r − 1)/2 pairs of the direct line's and of the fold-line's path-max loss
    /// (`direct.SPLIT.loss.path_max`, `fold.SPLIT.loss.path_max`) and of the NGD bound
    /// (`ngd.bound`), each arm's path-max loss (`arm.SEED.SPLIT.loss.path_max`) and the largest
    /// (`arms.SPLIT.loss.path_max`). Writes `centre.safetensors` and the arms' profiles in
    /// `arms.json`. Cost: the centre fit plus (r + r(r − 1)/2)·points network evaluations.
    func star(_ run: StudyRun, _ configuration: ComparisonRunConfiguration) throws {
        let first = try model(run.inputs[0], network: nil)
        let network = first.network
        let dataset = try data(configuration, for: network, run: run)
        var feet = [first.parameters]
        var deviation: Double?
        for input in run.inputs.dropFirst() {
            let b = try model(input, network: network)
            let (aligned, alignment) = try align(
                b.parameters, to: first.parameters, network: network, dataset: dataset, configuration)
            if let d = alignment["alignment.deviation"] { deviation = max(deviation ?? 0, d) }
            feet.append(aligned)
        }
        let fit = configuration.centreTraining ?? CentreConfiguration(seed: configuration.seed ?? 0)
        let fitter = try CentreFitter<Float>(network: network, dataset: dataset, feet: feet, configuration: fit)
        let final = try fitter.run(from: fitter.initialState())
        let star = StarCentre(centre: final.centre, feet: feet)
        var metrics: [String: Double] = [:]
        metrics["alignment.deviation"] = deviation
        metrics["centre.final_objective"] = final.history.last
        let evaluator = PathEvaluator(
            network: network, batchSize: configuration.evaluation.batchSize,
            batchNorm: configuration.evaluation.batchNormHandling)
        let t = PathProfile.grid(points: configuration.evaluation.points)
        let arms = try feet.indices.map { i in
            try evaluator.profile(star.arm(i), on: dataset, t: t, name: "seed \(run.seeds[i]) → centre")
        }
        let splits = arms[0].splits.keys.sorted()
        for split in splits {
            let maxima = arms.map { $0.barrier(.pathMaximum, split: split) ?? .nan }
            for (i, value) in maxima.enumerated() { metrics["arm.\(run.seeds[i]).\(split).loss.path_max"] = value }
            metrics["arms.\(split).loss.path_max"] = Self.worst(maxima)
        }
        // The fold-line's grid: arm i's t halved, then arm j's reversed from the centre.
        let foldT = t.map { $0 / 2 } + t.reversed().dropFirst().map { 1 - $0 / 2 }
        var direct: [String: [Double]] = [:], fold: [String: [Double]] = [:], bounds: [Double] = []
        for (i, j) in star.pairs {
            let line = try evaluator.profile(
                AffinePath.line(feet[i], feet[j]), on: dataset, t: t,
                name: "seed \(run.seeds[i]) → seed \(run.seeds[j])")
            for split in splits {
                direct[split, default: []].append(line.barrier(.pathMaximum, split: split) ?? .nan)
                let values =
                    arms[i].splits[split]!.map(\.loss) + arms[j].splits[split]!.map(\.loss).reversed().dropFirst()
                fold[split, default: []].append(
                    BarrierDefinition.pathMaximum.evaluate(t: foldT, values: values)?.value ?? .nan)
            }
            bounds.append(try star.foldLine(i, j).normalizedGeodesicDistanceBound())
        }
        for split in splits {
            metrics["direct.\(split).loss.path_max"] = Self.mean(direct[split]!)
            metrics["fold.\(split).loss.path_max"] = Self.mean(fold[split]!)
        }
        metrics["ngd.bound"] = Self.mean(bounds)
        try store.commit(run.key, configuration: configuration, inputs: run.inputs, label: run.label) { folder in
            try JSONReport.write(arms, to: "\(folder)/arms.json")
            try writeCentre(final.centre, network: network, run: run, fit: fit, to: "\(folder)/centre.safetensors")
            return metrics
        }
    }

    /// The fitted centre as a model file, its fit in the metadata (as `orbit ngd --out` writes it).
    private func writeCentre(
        _ centre: ParameterVector<Float>, network: Network, run: StudyRun, fit: CentreConfiguration, to path: String
    ) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try ModelFile.write(
            Model(
                network: network, parameters: centre,
                metadata: [
                    "orbit.version": orbitVersion, "orbit.run": run.key.folderName, "orbit.seed": "\(fit.seed)",
                    "orbit.star.configuration": String(decoding: try encoder.encode(fit), as: UTF8.self),
                ]), to: path)
    }

    /// The arithmetic mean (NaN when any value is: a diverged pair must not vanish from the mean).
    static func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }

    /// The largest value, with the path maximum's rule for non-finite ones: +∞ if any is +∞, else
    /// NaN if any is NaN.
    static func worst(_ values: [Double]) -> Double {
        if values.contains(.infinity) { return .infinity }
        if values.contains(where: \.isNaN) { return .nan }
        return values.max() ?? .nan
    }
}
