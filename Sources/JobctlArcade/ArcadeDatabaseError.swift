import Foundation
import GRDB

/// A one-line error about the arcade database that names the file.
public struct ArcadeDatabaseError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "arcade database \(path): \(message)" }

    /// The reason for a missing file. Nothing creates it but `demo-data` and `arcade init`.
    static let doesNotExist =
        "does not exist (nothing was created; 'jobctl arcade init --app-db PATH' creates an empty arcade schema, "
        + "'jobctl demo-data --app-db PATH' a demo database)"

    /// Wraps any error (GRDB's included) into one line that names the file.
    package static func wrap(_ error: any Error, path: String) -> any Error {
        switch error {
        case is ArcadeDatabaseError, is CancellationError:
            return error
        case let error as DatabaseError:
            let text = error.message ?? "\(error.resultCode)"
            return ArcadeDatabaseError(path: path, message: "SQLite error \(error.resultCode.rawValue): \(text)")
        default:
            return ArcadeDatabaseError(path: path, message: String(describing: error).oneLine)
        }
    }
}
