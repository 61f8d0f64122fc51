/// What becomes of a fire whose run lost its lease on a PostgreSQL `STATE_DB` (its node died or
/// stalled past the lease): `on_lost=` (issue 11, docs/several-hosts.md §5.8). Without a lease
/// (SQLite) it changes nothing.
public enum OnLostPolicy: String, Sendable, CaseIterable {
    /// The run is recorded `abandoned`, and that is all (default).
    case abandon
    /// The reaping node also claims the fire again under a new token (attempt 2, `retry`) and
    /// runs it. For jobs whose effects are idempotent: a shell command's effects are not fenced,
    /// so the lost run may have done part of them, or all.
    case retry
}
