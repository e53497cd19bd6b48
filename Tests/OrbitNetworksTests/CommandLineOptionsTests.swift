import Foundation
import Testing

/// The command line's shared options: `--threads` on every subcommand, and the enumerated options
/// (`--optimizer`, `--kind`, `--method`, `--action`, `--loss`, `--initialization`) listing their
/// values in the help and refusing unknown ones by name. Runs the `orbit` binary (see CommandLineTests).
@Suite struct CommandLineOptionsTests {
    typealias CLI = CommandLineTests

    /// The names under "SUBCOMMANDS:" in a help text (entries are indented by two spaces).
    static func subcommands(inHelp help: String) -> [String] {
        guard let section = help.range(of: "SUBCOMMANDS:\n") else { return [] }
        var names: [String] = []
        for line in help[section.upperBound...].split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty || !line.hasPrefix(" ") { break }
            if line.hasPrefix("  ") && !line.hasPrefix("   "), let name = line.split(separator: " ").first {
                names.append(String(name))
            }
        }
        return names
    }

    /// Every runnable command, e.g. ["train"], ["symmetry", "check"], found through the help texts.
    static func leafCommands(under prefix: [String] = [], in directory: URL) throws -> [[String]] {
        let help = try CLI.orbit(prefix + ["--help"], in: directory).output
        let children = subcommands(inHelp: help)
        if children.isEmpty { return [prefix] }
        return try children.flatMap { try leafCommands(under: prefix + [$0], in: directory) }
    }

    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("orbit-opts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test(.enabled(if: CLI.binary != nil)) func everyCommandAcceptsThreads() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let commands = try Self.leafCommands(in: dir)
        for expected in [["train"], ["inspect"], ["check"], ["symmetry", "transform"], ["symmetry", "check"]] {
            #expect(commands.contains(expected), "\(expected) not found among \(commands)")
        }
        #expect(commands.count >= 20, "\(commands)")
        for command in commands {
            let help = try CLI.orbit(command + ["--help"], in: dir)
            #expect(help.output.contains("--threads <threads>"), "\(command): --threads missing from the help")
            // A non-integer value is refused by the --threads option itself, so the option exists.
            let parsed = try CLI.orbit(command + ["--threads", "x"], in: dir)
            #expect(
                parsed.status != 0 && parsed.error.contains("is invalid for '--threads <threads>'"),
                "\(command): \(parsed.error)")
        }
        // And a run with --threads 1 goes through for the commands that used to refuse it.
        let data = "synthetic:random-labels:d=5,k=3,n=60,test=20,seed=1"
        let runs: [[String]] = [
            [
                "train", "--arch", "mlp:5-6-3:relu", "--data", data, "--epochs", "1", "--optimizer", "ADAM", "--quiet",
                "--threads", "1", "--out", "a.safetensors",
            ],
            ["inspect", "a.safetensors", "--threads", "1"],
            ["check", "a.safetensors", "--threads", "1"],
            [
                "symmetry", "transform", "a.safetensors", "--action", "permutation", "--threads", "1", "--out",
                "b.safetensors",
            ],
            ["symmetry", "check", "a.safetensors", "--action", "rescale", "--threads", "1"],
        ]
        for run in runs {
            let r = try CLI.orbit(run, in: dir)
            #expect(r.status == 0, "\(run): \(r.error)")
        }
    }

    @Test(.enabled(if: CLI.binary != nil)) func enumeratedOptionsListTheirValuesAndRefuseOthers() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cases: [(command: [String], option: String, values: [String])] = [
            (["train"], "--optimizer", ["sgd", "adam", "adamw"]),
            (["train"], "--initialization", ["pytorch", "he", "xavier", "orthogonal"]),
            (["train"], "--loss", ["cross_entropy", "mse"]),
            (["eval"], "--loss", ["cross_entropy", "mse"]),
            (["path"], "--loss", ["cross_entropy", "mse"]),
            (["star"], "--loss", ["cross_entropy", "mse"]),
            (["ngd"], "--loss", ["cross_entropy", "mse"]),
            (["curve"], "--kind", ["bezier", "chain"]),
            (["align"], "--method", ["weight", "activation", "sigma", "naive", "ot", "sinkhorn"]),
            (["merge"], "--method", ["weight", "activation", "sigma", "naive", "ot", "sinkhorn"]),
            (["symmetry", "transform"], "--action", ["gl", "rescale", "permutation", "approximate-gl"]),
            (["symmetry", "check"], "--action", ["gl", "rescale", "permutation", "approximate-gl"]),
        ]
        for c in cases {
            let help = try CLI.orbit(c.command + ["--help"], in: dir).output.replacingOccurrences(
                of: "\n *", with: " ", options: .regularExpression)
            #expect(help.contains("(values: " + c.values.joined(separator: ", ")), "\(c.command) \(c.option): \(help)")
            let refused = try CLI.orbit(c.command + [c.option, "nonsense"], in: dir)
            #expect(refused.status != 0)
            #expect(
                refused.error.contains("unknown \(c.option) 'nonsense'; use ")
                    && c.values.allSatisfy { refused.error.contains($0) }, "\(c.command) \(c.option): \(refused.error)")
        }
    }
}
