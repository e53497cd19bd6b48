import ArgumentParser
import OrbitKit

struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Report the numerics backend and threads, and check the numerical core end to end.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        global.apply()
        print("orbit \(orbitVersion)")
        print("backend: \(BLASBackend.description)")
        print("threads: \(Threading.threadCount)")
    }
}
