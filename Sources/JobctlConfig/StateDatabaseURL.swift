import JobctlPostgres
import JobctlTime

/// `STATE_DB` as a PostgreSQL URL (issue 11, docs/several-hosts.md): the shared state of several
/// hosts. Decision: a value starting with `postgresql://` or `postgres://` (any case) is a URL,
/// kept as written (never resolved against the config's directory nor checked as a file);
/// anything else is a SQLite path as before. The URL is parsed here with the client's own
/// parser (`PostgresURL`, in the leaf target `JobctlPostgres`), so `check` reports a bad one
/// with its line and column, and a password written in it is refused: it comes only from
/// `PGPASSWORD`, a passfile or `STATE_DB_PASSWORD_FILE`.
public enum StateDatabaseURL {
    /// True for `postgresql://…` and `postgres://…`.
    public static func isURL(_ value: String) -> Bool {
        let lower = value.prefix(13).lowercased()
        return lower.hasPrefix("postgresql://") || lower.hasPrefix("postgres://")
    }

    /// Why a URL value of `STATE_DB` is unusable (one line, never repeating the URL), or nil.
    /// A path (not a URL) is nil: the file checks apply when it is opened.
    static func problem(_ value: String) -> String? {
        guard isURL(value) else {
            if value.contains("://") { return "not a PostgreSQL URL (postgresql://user@host:port/database) nor a path" }
            return nil
        }
        do {
            _ = try PostgresURL(value)
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// `LEASE`: a duration from 1 s to 1 h. The design's 30 s (the default) suits production;
    /// a short lease is for tests of dead nodes (a lease under 15 s risks losing runs to a
    /// short database hiccup).
    static func leaseProblem(_ value: String) -> String? {
        guard let ms = DurationText.milliseconds(value) else { return "\"\(value)\" is not a duration (30s, 1m)" }
        guard (1000...3_600_000).contains(ms) else { return "must be between 1s and 1h, got \(value)" }
        return nil
    }
}
