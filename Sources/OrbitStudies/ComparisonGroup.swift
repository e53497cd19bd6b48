import Foundation
import OrbitData
import OrbitFormats
import OrbitNetworks
import OrbitStar
import OrbitTraining

/// How a comparison aligns B before measuring the line A → B.
public enum ComparisonMethod: String, Codable, Hashable, Sendable, CaseIterable {
    /// The straight line, no alignment.
    case line
    /// Git Re-Basin weight matching, then the line A → π(B).
    case weightMatching = "weight-matching"
    /// Activation-correlation matching on the training data, then the line A → π(B).
    case activationMatching = "activation-matching"
}

/// The path a comparison measures between A and B (or π(B)).
public enum ComparisonPath: String, Codable, Hashable, Sendable, CaseIterable {
    /// The straight line.
    case line
    /// A quadratic (one bend) or higher Bézier curve fitted to low loss (Garipov et al. 2018).
    case bezier
    /// A polygonal chain through fitted bends (Garipov et al. 2018).
    case chain
    /// The fold-line A → c → B through a centre c fitted for the pair (Lin, Li & Wu 2024, Eq. 6–8):
    /// the pair's normalised geodesic distance bound, measured against the direct line.
    case foldLine = "fold-line"
    /// One centre fitted to all the group's models at a width (Lin, Li & Wu 2024, §5): a run per
    /// width, not per pair, with the mean over pairs of the direct and fold-line losses (Table 1).
    case star

    /// Whether the path goes through a fitted centre (and reads `centre_training`).
    public var hasCentre: Bool { self == .foldLine || self == .star }

    /// Whether the path is a fitted curve (and reads `bends` and `curve_training`).
    public var isCurve: Bool { self == .bezier || self == .chain }
}

/// Which pairs of seeds a comparison measures.
public enum ComparisonPairs: Sendable, Equatable {
    /// Every pair of seeds (a < b in the group's order) at each width.
    case all
    /// These pairs at each width.
    case chosen([(UInt64, UInt64)])

    public static func == (l: ComparisonPairs, r: ComparisonPairs) -> Bool {
        switch (l, r) {
        case (.all, .all): return true
        case (.chosen(let a), .chosen(let b)): return a.count == b.count && zip(a, b).allSatisfy { $0 == $1 }
        default: return false
        }
    }
}

/// One group of comparisons: `method` (the alignment: none for `line`) over `pairs` of the
/// models of group `models`, at each width, measured along `path`: the line, a Bézier curve or
/// polygonal chain with `bends` bends fitted with the `curve_training` settings, or the fold-line
/// through a centre fitted for the pair with the `centre_training` settings (NGD). A `star` path
/// takes no `pairs`: it fits one centre to all the models of each width (after aligning them to
/// the first seed's when `method` is a matching method). A line or curve may ask for the
/// Hessian's top eigenvalue and trace at each evaluated t (`hessian`).
public struct ComparisonGroup: Sendable, Equatable {
    public var name: String
    public var method: ComparisonMethod
    public var path: ComparisonPath
    /// The fit of a curved path (its seed is the comparison's `seed`); nil for the line.
    public var curveTraining: TrainingConfiguration?
    /// The centre fit of a fold-line or star (its seed is the comparison's `seed`); nil otherwise.
    public var centreTraining: CentreConfiguration?
    /// The curvature at each evaluated t of the line or curve (nil when not asked for).
    public var hessian: StudyHessian?
    public var bends: Int
    public var models: String
    public var pairs: ComparisonPairs
    /// Most coordinate-descent sweeps, and the seed of the layer order (weight matching).
    public var maxSweeps: Int
    public var seed: UInt64
    public var line: Int
    public var modelsLine: Int
    public var pairsLine: Int

    init(reader: inout StudyFileReader) throws {
        line = reader.line
        name = try reader.string("name")
        let methodText = try reader.string("method")
        guard let method = ComparisonMethod(rawValue: methodText) else {
            throw reader.bad(
                reader.member("method")!,
                "'\(methodText)' is not " + ComparisonMethod.allCases.map(\.rawValue).joined(separator: ", "))
        }
        self.method = method
        models = try reader.string("models")
        modelsLine = reader.member("models")!.line
        maxSweeps = try reader.integer("max_sweeps", default: 100, minimum: 1)
        seed = UInt64(try reader.integer("seed", default: 0, minimum: 0))
        let pathText = try reader.string("path", default: "line")
        guard let path = ComparisonPath(rawValue: pathText) else {
            throw reader.bad(
                reader.member("path")!,
                "'\(pathText)' is not " + ComparisonPath.allCases.map(\.rawValue).joined(separator: ", "))
        }
        self.path = path
        bends = try reader.integer("bends", default: 1, minimum: 1)
        curveTraining = try reader.object("curve_training") { try TrainingConfiguration(reader: &$0) }
        // `orbit ngd` fits with λ = 1e-4 (the paper's NGD estimate needs λ > 0); `orbit star` with none.
        let penalty = path == .foldLine ? 1e-4 : 0
        centreTraining = try reader.object("centre_training") { try CentreConfiguration(reader: &$0, penalty: penalty) }
        if path.isCurve {
            curveTraining = curveTraining ?? TrainingConfiguration()
            curveTraining!.seed = seed
        } else {
            for key in ["bends", "curve_training"] {
                if let m = reader.member(key) { throw reader.bad(m, "only a curved path (bezier, chain) has \(key)") }
            }
        }
        hessian = try reader.object("hessian") { try StudyHessian(reader: &$0) }
        if path.hasCentre, let m = reader.member("hessian") {
            throw reader.bad(m, "only a line or a fitted curve (line, bezier, chain) has hessian along its path")
        }
        if path.hasCentre {
            centreTraining = centreTraining ?? CentreConfiguration(penalty: penalty)
            centreTraining!.seed = seed
        } else if let m = reader.member("centre_training") {
            throw reader.bad(m, "only a path through a centre (fold-line, star) has centre_training")
        }
        pairsLine = reader.line
        pairs = .all
        if let m = reader.member("pairs") {
            pairsLine = m.line
            if path == .star {
                throw reader.bad(m, "a star fits one centre to all models of each width, so it takes no pairs")
            }
            switch m.value.value {
            case .string("all"): pairs = .all
            case .array(let list):
                var chosen: [(UInt64, UInt64)] = []
                for item in list {
                    guard case .array(let two) = item.value, two.count == 2 else {
                        throw StudyError.typeMismatch(
                            file: reader.file, line: item.line, key: "pairs", expected: "a pair [seed, seed]",
                            found: item.kindName)
                    }
                    let a = try reader.integer(two[0], key: "pairs", minimum: 0)
                    let b = try reader.integer(two[1], key: "pairs", minimum: 0)
                    guard a != b else { throw reader.bad(m, "the pair [\(a), \(b)] compares a model with itself") }
                    chosen.append((UInt64(a), UInt64(b)))
                }
                pairs = .chosen(chosen)
            default:
                throw StudyError.typeMismatch(
                    file: reader.file, line: m.value.line, key: "pairs",
                    expected: "\"all\" or an array of [seed, seed]",
                    found: m.value.kindName)
            }
        }
    }
}
