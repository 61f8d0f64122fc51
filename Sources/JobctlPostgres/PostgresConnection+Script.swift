extension PostgresConnection {
    /// Runs several statements separated by `;`, without parameters, through the simple
    /// protocol (a migration's tables, functions and triggers). The first error stops the
    /// script and is thrown; inside `transaction { }` nothing of it is then kept.
    public func executeScript(_ sql: String) throws {
        guard !sql.utf8.contains(0) else { throw PostgresError(.usage, "the SQL text contains a NUL character") }
        _ = try runSimple(sql)
    }
}
