import Foundation

/// Runs the real `jobctl-dev` binary (the development commands `_history-begin`,
/// `_history-seed`, `_run-builtin` and `_arcade-writer`, kept out of the product), with the
/// same staleness check as `Binary`.
enum DevBinary {
    static var path: String { BuiltProduct.path("jobctl-dev", override: "JOBCTL_DEV_BIN") }

    static let staleness: String? = BuiltProduct.staleness("jobctl-dev", override: "JOBCTL_DEV_BIN")

    /// Starts `jobctl-dev ARGS`; the caller `Binary.finish`es it.
    static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> (Process, Pipe, Pipe) {
        if let staleness { throw Binary.StaleBinary(description: staleness) }
        return try Binary.launch(path, arguments, environment: environment)
    }

    /// Runs `jobctl-dev ARGS` to completion.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Binary.Result {
        Binary.finish(try start(arguments, environment: environment))
    }
}
