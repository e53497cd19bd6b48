import ArgumentParser
import OrbitKit

// Being built in this session; replaced by the real command.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "The demo: three models, every kind of connection, one report.")

    func run() throws { throw ValidationError("orbit demo is not available in this build") }
}
