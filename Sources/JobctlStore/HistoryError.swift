import Foundation
import GRDB

/// Why the history database could not be used. `description` is one line that names the file
/// and the cause, fit for stderr; the wording lives here and nowhere else.
public enum HistoryError: Error, Equatable, CustomStringConvertible {
    /// The directory that should hold the database does not exist.
    case missingDirectory(path: String)
    /// A command that only reads history was pointed at a file that does not exist.
    case missingFile(path: String)
    /// Another process holds a lock for longer than the busy timeout.
    case locked(path: String)
    /// The file (or its directory, for the WAL files) cannot be written.
    case readOnly(path: String)
    /// The file is not an SQLite database, or is damaged.
    case corrupt(path: String, detail: String)
    /// The database was migrated by a newer jobctl; this binary does not know `migrations`.
    case newerSchema(path: String, migrations: [String])
    /// A read-only open found a database that an older jobctl wrote and that needs a
    /// migration first.
    case needsMigration(path: String)
    /// A value the caller passed is not valid (e.g. a scheduled trigger without a fire time).
    case invalidArgument(String)
    /// A file written by the metrics exporter could not be written.
    case cannotWrite(path: String, reason: String)
    /// Any other SQLite failure.
    case database(path: String, message: String)

    public var description: String {
        switch self {
        case .missingDirectory(let path):
            return "\(path): cannot open history database: directory \(Self.directory(of: path)) does not exist"
        case .missingFile(let path):
            return "\(path): no history database here (nothing has run yet, or STATE_DB points elsewhere)"
        case .locked(let path):
            return "\(path): history database is locked by another process (gave up after the busy timeout)"
        case .readOnly(let path):
            return
                "\(path): history database is read-only; jobctl needs to write it (check the file and directory permissions)"
        case .corrupt(let path, let detail):
            return "\(path): history database is unreadable: \(detail); the file was left untouched"
        case .newerSchema(let path, let migrations):
            return
                "\(path): history database was written by a newer jobctl (unknown migrations: \(migrations.sorted().joined(separator: ", "))); upgrade jobctl"
        case .needsMigration(let path):
            return
                "\(path): history database needs an upgrade, which a read-only command does not do; run jobctl with write access to it once"
        case .invalidArgument(let message):
            return "history: \(message)"
        case .cannotWrite(let path, let reason):
            return "\(path): cannot write: \(reason)"
        case .database(let path, let message):
            return "\(path): history database error: \(Self.oneLine(message))"
        }
    }

    static func directory(of path: String) -> String {
        let dir = (path as NSString).deletingLastPathComponent
        return dir.isEmpty ? "." : dir
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    /// Maps an SQLite error to the cause an operator can act on.
    static func from(_ error: any Error, path: String) -> HistoryError {
        if let error = error as? HistoryError { return error }
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED:
                return .locked(path: path)
            case .SQLITE_READONLY:
                return .readOnly(path: path)
            case .SQLITE_NOTADB:
                return .corrupt(path: path, detail: "file is not a database")
            case .SQLITE_CORRUPT:
                return .corrupt(path: path, detail: "database disk image is malformed")
            case .SQLITE_CANTOPEN:
                return .database(path: path, message: "unable to open database file")
            case .SQLITE_FULL:
                return .database(path: path, message: "disk is full")
            default:
                return .database(path: path, message: error.message ?? "\(error.resultCode)")
            }
        }
        if let error = error as? HistoryRowError {
            return .database(path: path, message: error.description)
        }
        return .database(path: path, message: "\(error)")
    }
}
