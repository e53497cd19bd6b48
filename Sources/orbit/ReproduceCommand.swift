import ArgumentParser
import OrbitKit

// Being built in this session; replaced by the real command.
struct ReproduceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reproduce", abstract: "Reproduce the papers' claims.")

    func run() throws { throw ValidationError("orbit reproduce is not available in this build") }
}
