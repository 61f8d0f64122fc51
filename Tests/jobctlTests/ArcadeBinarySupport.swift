import Foundation
import GRDB

/// Runs the real `jobctl` binary built by `swift build`.
enum ArcadeBinary {
    static let packageRoot = Binary.packageRoot
    static var path: String { Binary.path }

    typealias Output = Binary.Result

    static func start(_ arguments: [String]) throws -> (Process, Pipe, Pipe) { try Binary.start(arguments) }
    static func finish(_ started: (Process, Pipe, Pipe)) -> Output { Binary.finish(started) }
    static func run(_ arguments: [String]) throws -> Output { try Binary.run(arguments) }

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
