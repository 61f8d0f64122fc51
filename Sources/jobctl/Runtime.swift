import Dispatch
import Foundation
import JobctlRunning
import JobctlTime
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// The real wall clock: the only place that reads the system time for the scheduler.
struct SystemWallClock: WallClock {
    func now() -> Date { Date() }

    func sleep(until deadline: Date) async throws {
        let seconds = deadline.timeIntervalSinceNow
        if seconds > 0 { try await Task.sleep(for: .milliseconds(Int64((seconds * 1000).rounded(.up)))) }
        try Task.checkCancellation()
    }
}

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
    static let lock = NSLock()

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
        Self.lock.lock()
        FileHandle.standardError.write(Data(line.utf8))
        Self.lock.unlock()
    }

    static func timestamp() -> String {
        let ms = Int64(Date().timeIntervalSince1970 * 1000)
        var bytes: [UInt8] = []
        TimeText.append(ms / 1000, offset: 0, to: &bytes)
        let text = String(decoding: bytes.dropLast(6), as: UTF8.self)
        return text + String(format: ".%03dZ", Int(ms % 1000))
    }

    static func bootstrap() {
        LoggingSystem.bootstrap { label in LineLogHandler(label: label) }
    }
}

extension RunnerIdentity {
    static var current: RunnerIdentity {
        var name = [CChar](repeating: 0, count: 256)
        let host = gethostname(&name, 255) == 0 ? String(cString: name) : "localhost"
        let env = ProcessInfo.processInfo.environment
        let account = getpwuid(getuid()).flatMap { $0.pointee.pw_name.map { String(cString: $0) } }
        return RunnerIdentity(
            host: host, pid: getpid(), user: env["USER"] ?? env["LOGNAME"] ?? account ?? "uid \(getuid())")
    }
}

/// SIGINT/SIGTERM/SIGHUP as an async sequence: the signals are ignored first, then read
/// through Dispatch sources.
enum Signals {
    static func stream(_ signals: [Int32]) -> AsyncStream<Int32> {
        AsyncStream { continuation in
            var sources: [DispatchSourceSignal] = []
            for sig in signals {
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler { continuation.yield(sig) }
                source.resume()
                sources.append(source)
            }
            nonisolated(unsafe) let keep = sources
            continuation.onTermination = { _ in keep.forEach { $0.cancel() } }
        }
    }
}
