import ArgumentParser
import Foundation
import OrbitKit

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a model file against its description: names, shapes, dtypes, finiteness — every problem.",
        discussion:
            "Exits non-zero when there is any problem. Example: orbit check a.safetensors --arch mlp:784-512-10:relu")

    @Argument(help: "A .safetensors or .npz model file.") var model: String
    @Option(
        help: ArgumentHelp(
            "Network description to check against (default: the one stored in the file).", valueName: "description"))
    var arch: String?

    func run() throws {
        let check = try ModelCheck(model, network: try arch.map { try Network(parsing: $0) })
        let description = check.network.compactDescription ?? "network"
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
