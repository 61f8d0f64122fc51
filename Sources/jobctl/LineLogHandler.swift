import ArgumentParser
import Dispatch
import Foundation
import JobctlArcade
import JobctlConfig
import JobctlReports
import JobctlRunning
import JobctlScheduling
import JobctlStore
import JobctlTime
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Log lines for people: `2026-11-23T04:00:00.123Z info  [prizepool] Job succeeded in 245 ms run=12 …`
/// on stderr, colour only on a terminal.
///
/// Every message and metadata value is passed through `TerminalSafeText`, whatever its source
/// (job output, arcade strings, errors): no raw ESC, CR or other control character reaches the
/// operator's terminal, and no line of a message can pass for a log line of its own.
struct LineLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info
    let label: String
    static let color = isatty(2) == 1
    static let lock = Mutex<Void>(())

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var all = metadata
        if let extra = event.metadata { all.merge(extra) { $1 } }
        let job = all.removeValue(forKey: "job").map { "[\(TerminalSafeText.escaped("\($0)"))] " } ?? ""
        let fields = all.sorted { $0.key < $1.key }.map { (key: String, value: Logger.MetadataValue) -> String in
            let text = TerminalSafeText.escaped("\(value)")
            let name = TerminalSafeText.escaped(key)
            return text.contains(" ") ? "\(name)=\"\(text)\"" : "\(name)=\(text)"
        }.joined(separator: " ")
        let message = TerminalSafeText.escaped("\(event.message)", indentingNewlines: true)
        let level = "\(event.level)".padding(toLength: 7, withPad: " ", startingAt: 0)
        var levelText = level
        if Self.color {
            switch event.level {
            case .error, .critical: levelText = "\u{1B}[31m\(level)\u{1B}[0m"
            case .warning: levelText = "\u{1B}[33m\(level)\u{1B}[0m"
            default: break
            }
        }
        let line: String = "\(Self.timestamp()) \(levelText) \(job)\(message)\(fields.isEmpty ? "" : " \(fields)")\n"
        Self.lock.withLock { _ in FileHandle.standardError.write(Data(line.utf8)) }
    }

    static func timestamp() -> String {
        TimeText.rfc3339UTC(milliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }

    static func bootstrap() {
        LoggingSystem.bootstrap { label in LineLogHandler(label: label) }
    }
}
