import ArgumentParser
import Foundation
import OrbitKit

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a model file against its description: names, shapes, dtypes, finiteness — every problem.",
        discussion: """
            Lists every problem (missing, extra and mis-shaped tensors, dtypes that cannot hold weights,
            NaN/±∞ values, a stored description that differs from --spec) and exits non-zero when there is
            any. Example: orbit check a.safetensors --spec mlp:784-512-10:relu
            """)

    @Argument(help: "A .safetensors or .npz model file.") var model: String
    @Option(
        help: ArgumentHelp(
            "Network description to check against — compact, JSON, or a file holding either (default: the one stored in the model file).",
            valueName: "description or file"))
    var spec: String?
    @Option(help: ArgumentHelp("Same as --spec, for a description given inline.", valueName: "description"))
    var arch: String?
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if spec != nil && arch != nil { throw ValidationError("give --spec or --arch, not both") }
        _ = try specNetwork()
    }

    /// The network of `--spec` (a description, or a file holding one) or `--arch`.
    func specNetwork() throws -> Network? {
        if let arch { return try Network(parsing: arch) }
        guard let spec else { return nil }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: spec, isDirectory: &isDirectory), !isDirectory.boolValue {
            // A description file is a few hundred bytes; refuse anything that could not be one.
            let size = (try? FileManager.default.attributesOfItem(atPath: spec)[.size] as? Int) ?? 0
            guard size <= 1 << 20 else { throw ValidationError("--spec \(spec) is too large to be a description") }
            let text = try String(contentsOfFile: spec, encoding: .utf8)
            do { return try Network(parsing: text) } catch {
                throw ValidationError("--spec \(spec): \(error)")
            }
        }
        return try Network(parsing: spec)
    }

    func run() throws {
        global.apply()
        let check = try ModelCheck(model, network: try specNetwork(), inferringDenseChain: true)
        let description =
            check.network.compactDescription
            ?? (check.network.isDenseChain ? "network" : "a graph network of \(check.network.nodes.count) nodes")
        print("\(model): \(check.tensors.count) tensors; checked against \(description) (\(check.descriptionSource))")
        if check.isValid {
            print("ok: every tensor present, shaped, typed and finite (\(check.network.parameterCount) parameters)")
            return
        }
        for p in check.problems { print("problem: \(p)") }
        print("\(check.problems.count) problem\(check.problems.count == 1 ? "" : "s")")
        throw ExitCode.failure
    }
}
