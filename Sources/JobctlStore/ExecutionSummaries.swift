import Foundation

/// What `stats`, `metrics`, `list` and the HTTP status read: per-job summaries that the store
/// keeps up to date itself as rows change (SQLite: triggers, see `SummarySchema`), read with a
/// fixed number of queries in one consistent read, whatever the number of rows.
///
/// A second store (PostgreSQL) implements the same: all-time figures never lowered by
/// retention, per-day figures of the rows kept, the same histogram keys
/// (`DurationHistogram.key`) and the same failing-streak rule.
public protocol ExecutionSummaries: Sendable {
    func summaryReport(_ request: SummaryRequest) throws -> SummaryReport
}
