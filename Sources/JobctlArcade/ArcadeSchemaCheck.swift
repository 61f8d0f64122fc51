import Foundation
import GRDB

/// What a database holds of the arcade schema.
public struct ArcadeSchemaCheck: Sendable, Equatable {
    public var missingTables: [String] = []
    /// `table.column`, for tables that exist.
    public var missingColumns: [String] = []
    /// `prize_payouts.pool_id` exists but no UNIQUE index covers exactly it.
    public var payoutsNotUnique = false
    /// Tables that are not the arcade's.
    public var otherTables: [String] = []
    public var missingIndexes: [String] = []
    /// PostgreSQL only: `table.column`s of money, scores or ids whose type is not an integer
    /// type (there the database enforces types, so the jobs rely on them; SQLite's are not checked).
    public var notIntegerColumns: [String] = []

    /// Every table and column there, the payout uniqueness too.
    public var isComplete: Bool {
        missingTables.isEmpty && missingColumns.isEmpty && !payoutsNotUnique && notIntegerColumns.isEmpty
    }

    /// No table at all: a new or empty database.
    public var isEmpty: Bool { missingTables.count == ArcadeSchema.columns.count && otherTables.isEmpty }

    /// What is wrong, in one line; nil when the schema is complete.
    public var problem: String? {
        if isComplete { return nil }
        if missingTables.count == ArcadeSchema.columns.count {
            if otherTables.isEmpty {
                return "has no arcade schema (an empty database); create it with 'jobctl arcade init --app-db PATH'"
            }
            let names = otherTables.prefix(5).map { $0.escapedForMessage(limit: 40) }
            let shown = names.joined(separator: ", ") + (otherTables.count > 5 ? ", …" : "")
            return "has no arcade schema (none of the tables \(missingTables.joined(separator: ", ")))"
                + "; it holds other tables (\(shown)): is APP_DB pointing at the wrong database?"
        }
        var parts: [String] = []
        if !missingTables.isEmpty {
            parts.append("missing table\(missingTables.count == 1 ? "" : "s") \(missingTables.joined(separator: ", "))")
        }
        if !missingColumns.isEmpty {
            let plural = missingColumns.count == 1 ? "" : "s"
            parts.append("missing column\(plural) \(missingColumns.joined(separator: ", "))")
        }
        if payoutsNotUnique { parts.append("prize_payouts.pool_id is not UNIQUE") }
        if !notIntegerColumns.isEmpty {
            parts.append("not an integer type: \(notIntegerColumns.joined(separator: ", "))")
        }
        return "has an incomplete or older arcade schema: " + parts.joined(separator: "; ")
    }
}
