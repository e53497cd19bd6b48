import ArgumentParser
import OrbitKit

// Options whose value is one of a fixed set: each is an enum conforming to `ExpressibleByArgument`, and
// `@Option(choosing:help:)` lists its values (`allValueStrings`) and default in the help and refuses an
// unknown value with `UnknownChoiceError`. Library enums without associated values conform here (the
// ArgumentParser conformances live only in the command-line target); library types with associated
// values get a case enum here that maps to them.

extension LossFunction: ExpressibleByArgument {}
extension Initialization: ExpressibleByArgument {}
extension AlignmentMethod: ExpressibleByArgument {}
extension BatchNormHandling: ExpressibleByArgument {}

/// `--optimizer`: the case of ``Optimizer``; the hyper-parameters come from their own flags.
enum OptimizerChoice: String, CaseIterable, ExpressibleByArgument, Sendable {
    case sgd, adam, adamw

    /// Case-insensitive, as `--optimizer SGD` has always been accepted.
    init?(argument: String) { self.init(rawValue: argument.lowercased()) }

    /// The optimiser with these hyper-parameters (`momentum` and `nesterov` apply to SGD; `weightDecay`
    /// is L2 for sgd and adam, decoupled for adamw).
    func optimizer(momentum: Double, nesterov: Bool, weightDecay: Double) -> Optimizer {
        switch self {
        case .sgd: .sgd(momentum: momentum, nesterov: nesterov, weightDecay: weightDecay)
        case .adam: .adam(weightDecay: weightDecay)
        case .adamw: .adamW(weightDecay: weightDecay)
        }
    }
}

/// `orbit curve --kind`: the fitted curve's ``AffinePath/Kind``.
enum CurveKindChoice: String, CaseIterable, ExpressibleByArgument, Sendable {
    case bezier, chain

    var pathKind: AffinePath<Float>.Kind { self == .bezier ? .bezier : .polygonalChain }
}

/// `orbit symmetry transform|check --action`: a group to draw an element from, or Prop 6.1's
/// data-dependent approximate GL action (check only).
enum SymmetryActionChoice: String, CaseIterable, ExpressibleByArgument, Sendable {
    case gl, rescale, permutation
    case approximateGL = "approximate-gl"

    /// The exact symmetry group, nil for the approximate action.
    var group: SymmetryGroup? {
        switch self {
        case .gl: .generalLinear
        case .rescale: .rescaling
        case .permutation: .permutation
        case .approximateGL: nil
        }
    }
}

/// A value that is not one of an option's choices.
struct UnknownChoiceError: Error, CustomStringConvertible {
    var option: String
    var value: String
    var choices: [String]

    var description: String {
        "unknown \(option) '\(value)'; use "
            + (choices.count < 2
                ? choices.joined() : choices.dropLast().joined(separator: ", ") + " or " + choices.last!)
    }
}

/// "ABSTRACT (values: a, b, c; default: d)": the help line ArgumentParser writes for an enum option.
private func choiceHelp<T: ExpressibleByArgument & CaseIterable>(_ abstract: String, _: T.Type, default: String?)
    -> ArgumentHelp
{
    let values = "values: " + T.allValueStrings.joined(separator: ", ")
    return ArgumentHelp(abstract + " (" + values + (`default`.map { "; default: \($0)" } ?? "") + ")")
}

/// Parses `text` as a `T`, or throws ``UnknownChoiceError`` naming `option` and the values.
private func parseChoice<T: ExpressibleByArgument & CaseIterable>(_ text: String, option: String) throws -> T {
    guard let value = T(argument: text) else {
        throw UnknownChoiceError(option: option, value: text, choices: T.allValueStrings)
    }
    return value
}

extension Option where Value: ExpressibleByArgument & CaseIterable & Sendable {
    /// An option `option` (e.g. "--method") taking one of `Value`'s cases, `wrappedValue` by default.
    init(wrappedValue: Value, choosing option: String, help abstract: String) {
        self.init(
            wrappedValue: wrappedValue,
            help: choiceHelp(abstract, Value.self, default: wrappedValue.defaultValueDescription),
            completion: .list(Value.allValueStrings), transform: { try parseChoice($0, option: option) })
    }
}

extension Option where Value: ExpressibleByArgument & CaseIterable & Sendable {
    /// A required option `option` taking one of `Value`'s cases.
    init(choosing option: String, help abstract: String) {
        self.init(
            help: choiceHelp(abstract, Value.self, default: nil), completion: .list(Value.allValueStrings),
            transform: { try parseChoice($0, option: option) })
    }
}

extension Option {
    /// An optional option `option` taking one of `T`'s cases; `absent` says what happens without it.
    init<T: ExpressibleByArgument & CaseIterable & Sendable>(
        choosing option: String, help abstract: String, absent: String
    )
    where Value == T? {
        self.init(
            help: choiceHelp(abstract, T.self, default: absent), completion: .list(T.allValueStrings),
            transform: { (text: String) throws -> T in try parseChoice(text, option: option) })
    }
}
