import Foundation

/// How a long run reports progress.
public enum ProgressStyle: Sendable {
    /// A bar redrawn in place on standard error (the default on a terminal).
    case bar
    /// One plain line per epoch (the default when standard error is not a terminal: logs, CI).
    case lines
    /// Nothing (`--quiet`).
    case quiet
    /// Nothing drawn; every update and epoch summary is kept in memory (``ProgressReporter/updates``),
    /// for tests of what a run reports.
    case recording

    /// `.bar` on a terminal, else `.lines`.
    public static var automatic: ProgressStyle { isatty(2) != 0 ? .bar : .lines }
}

/// One call of ``ProgressReporter/update(epoch:epochs:fraction:loss:accuracy:samplesPerSecond:eta:)``,
/// as the `.recording` style keeps it.
public struct ProgressUpdate: Hashable, Sendable {
    public var epoch: Int
    public var epochs: Int
    public var fraction: Double
    public var loss: Double
    public var accuracy: Double?
    public var samplesPerSecond: Double
    /// Seconds left.
    public var eta: Double
}

/// Draws a progress bar — epoch, loss, accuracy, samples/s, ETA — or writes plain lines.
public final class ProgressReporter: @unchecked Sendable {
    public let style: ProgressStyle
    let label: String
    private var lastDraw = 0.0
    private let start = Date()
    private let lock = NSLock()
    private var recordedUpdates: [ProgressUpdate] = []
    private var recordedSummaries: [String] = []

    /// Every update so far (`.recording` style only; empty otherwise).
    public var updates: [ProgressUpdate] { lock.withLock { recordedUpdates } }
    /// Every epoch summary and note so far (`.recording` style only).
    public var summaries: [String] { lock.withLock { recordedSummaries } }

    public init(style: ProgressStyle = .automatic, label: String = "train") {
        self.style = style
        self.label = label
    }

    /// Called often within an epoch; redraws at most ten times a second.
    public func update(
        epoch: Int, epochs: Int, fraction: Double, loss: Double, accuracy: Double?, samplesPerSecond: Double,
        eta: Double
    ) {
        if style == .recording {
            let update = ProgressUpdate(
                epoch: epoch, epochs: epochs, fraction: fraction, loss: loss, accuracy: accuracy,
                samplesPerSecond: samplesPerSecond, eta: eta)
            lock.withLock { recordedUpdates.append(update) }
        }
        guard style == .bar else { return }
        let now = Date().timeIntervalSince(start)
        if now - lastDraw < 0.1 && fraction < 1 { return }
        lastDraw = now
        let width = 24
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        var line =
            "\(label) epoch \(epoch)/\(epochs) \(bar) \(Int(fraction * 100))%  loss \(String(format: "%.4f", loss))"
        if let accuracy { line += "  acc \(String(format: "%.2f%%", accuracy * 100))" }
        line += "  \(Int(samplesPerSecond)) samples/s  ETA \(Self.clock(eta))"
        FileHandle.standardError.write(Data(("\r\u{1B}[2K" + line).utf8))
    }

    /// Called at the end of each epoch with its metrics (already formatted).
    public func finishEpoch(_ summary: String) {
        switch style {
        case .bar: FileHandle.standardError.write(Data(("\r\u{1B}[2K" + summary + "\n").utf8))
        case .lines: FileHandle.standardError.write(Data((summary + "\n").utf8))
        case .quiet: break
        case .recording: lock.withLock { recordedSummaries.append(summary) }
        }
    }

    /// A message that is not a metric (e.g. "resumed from epoch 3"), shown unless quiet.
    public func note(_ message: String) {
        switch style {
        case .bar, .lines: FileHandle.standardError.write(Data((message + "\n").utf8))
        case .quiet: break
        case .recording: lock.withLock { recordedSummaries.append(message) }
        }
    }

    static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "--:--" }
        let s = Int(seconds.rounded())
        return s >= 3600
            ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
