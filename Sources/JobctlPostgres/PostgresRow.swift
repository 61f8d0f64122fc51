import Foundation

/// One row of a result, as text (libpq's text format). The typed accessors never trap: SQL
/// NULL reads as `nil`, and text that is not a value of the asked type throws a `.decoding`
/// error naming the column, as does a column the result does not have.
public struct PostgresRow: Sendable {
    /// The result's column names, in order (shared by all rows of a result).
    public let columns: [String]
    let values: [String?]

    init(columns: [String], values: [String?]) {
        self.columns = columns
        self.values = values
    }

    /// The raw text of `column`, nil for NULL.
    public func string(_ column: String) throws -> String? {
        guard let index = columns.firstIndex(of: column), index < values.count else {
            throw PostgresError(
                .decoding, "no column \"\(column)\" in the result (columns: \(columns.joined(separator: ", ")))")
        }
        return values[index]
    }

    public func isNull(_ column: String) throws -> Bool { try string(column) == nil }

    /// smallint, integer or bigint (or any text that is a decimal Int64).
    public func int64(_ column: String) throws -> Int64? {
        try decode(column, as: "a 64-bit integer") { Int64($0) }
    }

    public func int(_ column: String) throws -> Int? {
        try decode(column, as: "an integer") { Int($0) }
    }

    /// boolean (`t` / `f`).
    public func bool(_ column: String) throws -> Bool? {
        try decode(column, as: "a boolean") { $0 == "t" ? true : $0 == "f" ? false : nil }
    }

    /// real, double precision or numeric; `NaN` and `±Infinity` as PostgreSQL writes them.
    public func double(_ column: String) throws -> Double? {
        try decode(column, as: "a number") { text in
            switch text {
            case "NaN": return .nan
            case "Infinity": return .infinity
            case "-Infinity": return -.infinity
            default: return Double(text).flatMap { $0.isFinite ? $0 : nil }
            }
        }
    }

    /// timestamptz as microseconds since 1970-01-01 UTC: exact, unlike `Date`.
    public func epochMicroseconds(_ column: String) throws -> Int64? {
        try decode(column, as: "a timestamptz in ISO style") { PostgresTimestamp.parse($0) }
    }

    /// timestamptz as a `Date` (to about a microsecond; see `epochMicroseconds` for exact).
    public func date(_ column: String) throws -> Date? {
        try epochMicroseconds(column).map { Date(timeIntervalSince1970: Double($0) / 1_000_000) }
    }

    private func decode<T>(_ column: String, as what: String, _ read: (String) -> T?) throws -> T? {
        guard let text = try string(column) else { return nil }
        guard let value = read(text) else {
            let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
            throw PostgresError(.decoding, "column \"\(column)\" holds '\(shown)', not \(what)")
        }
        return value
    }
}
