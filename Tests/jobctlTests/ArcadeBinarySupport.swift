import Foundation
import GRDB

/// Runs the real `jobctl` binary built by `swift build`.
enum ArcadeBinary {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let path = packageRoot.appendingPathComponent(".build/debug/jobctl").path

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Starts the binary; the caller waits (or kills).
    static func start(_ arguments: [String]) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, out, err)
    }

    static func finish(_ started: (Process, Pipe, Pipe)) -> Output {
        let (process, out, err) = started
        // Read before waiting so that a full pipe never blocks the child.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    static func run(_ arguments: [String]) throws -> Output {
        finish(try start(arguments))
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("jobctl-arcade-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The report `_run-builtin` prints.
    struct Report: Decodable {
        struct Metrics: Decodable {
            var processed: Int
            var created: Int
            var updated: Int
            var skipped: Int
            var counters: [String: Int64]
        }
        var status: String
        var metrics: Metrics?
        var error: String?
    }

    static func report(_ output: Output) -> Report? {
        guard let line = output.stdout.split(separator: "\n").last else { return nil }
        return try? JSONDecoder().decode(Report.self, from: Data(line.utf8))
    }

    static func open(_ path: String) throws -> DatabaseQueue {
        var config = Configuration()
        config.busyMode = .timeout(10)
        return try DatabaseQueue(path: path, configuration: config)
    }
}
