import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs the real `jobctl` binary built by `swift build` (`make test` builds it first).
enum Binary {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static var path: String { BuiltProduct.path("jobctl", override: "JOBCTL_BIN") }

    /// Why the binary can't be trusted, if it can't (`BuiltProduct.staleness`). Checked once;
    /// `JOBCTL_BIN` skips the check.
    static let staleness: String? = BuiltProduct.staleness("jobctl", override: "JOBCTL_BIN")

    struct StaleBinary: Error, CustomStringConvertible {
        var description: String
    }

    struct Result: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Starts `jobctl ARGS`; the caller `finish`es it (or signals it first).
    static func start(_ arguments: [String], environment: [String: String] = [:], currentDirectory: String? = nil)
        throws -> (Process, Pipe, Pipe)
    {
        if let staleness { throw StaleBinary(description: staleness) }
        return try launch(path, arguments, environment: environment, currentDirectory: currentDirectory)
    }

    /// Starts the binary at `path` with `arguments`, stdout and stderr piped.
    static func launch(
        _ path: String, _ arguments: [String], environment: [String: String] = [:], currentDirectory: String? = nil
    ) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["JOBCTL_CONFIG"] = nil
        for (k, v) in environment { env[k] = v }
        process.environment = env
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, out, err)
    }

    /// Reads both pipes to the end (concurrently, so a full pipe never blocks the child), then
    /// waits for the exit.
    static func finish(_ started: (Process, Pipe, Pipe)) -> Result {
        let (process, out, err) = started
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async {
            errData = readToEOF(err.fileHandleForReading.fileDescriptor)
            group.leave()
        }
        let outData = readToEOF(out.fileHandleForReading.fileDescriptor)
        group.wait()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Reads `fd` to its end, retrying on EINTR: Foundation's `readDataToEndOfFile` traps on
    /// an interrupted read, which crashed the whole test process once under load.
    static func readToEOF(_ fd: Int32) -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                data.append(contentsOf: buffer[0..<count])
            } else if count == 0 || errno != EINTR {
                return data
            }
        }
    }

    /// Runs `jobctl ARGS` to completion.
    static func run(_ arguments: [String], environment: [String: String] = [:], currentDirectory: String? = nil) throws
        -> Result
    {
        finish(try start(arguments, environment: environment, currentDirectory: currentDirectory))
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("jobctl-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// A `jobctl` in the background (usually `run`), stdout and stderr in a log file; killed if
/// still running when released.
final class Daemon: @unchecked Sendable {
    let process = Process()
    let log: URL

    init(_ arguments: [String], directory: URL, environment: [String: String] = [:]) throws {
        log = directory.appendingPathComponent("run-\(UUID().uuidString.prefix(8)).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: Binary.path)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env["JOBCTL_CONFIG"] = nil
        env["JOBCTL_HTTP_TOKEN"] = nil
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let handle = try FileHandle(forWritingTo: log)
        process.standardError = handle
        process.standardOutput = handle
        try process.run()
    }

    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Polls the log until `text` appears; false on timeout.
    func waitFor(_ text: String, timeout: TimeInterval = 20) -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if output.contains(text) { return true }
            usleep(50_000)
        }
        return false
    }

    func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

    /// Waits for the exit; returns the exit status (nil if it had to be killed).
    func wait(timeout: TimeInterval = 20) -> Int32? {
        let end = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < end { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }

    /// SIGTERM, then `wait`.
    @discardableResult
    func stop(timeout: TimeInterval = 20) -> Int32? {
        guard process.isRunning else { return process.terminationStatus }
        signal(SIGTERM)
        return wait(timeout: timeout)
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
