import CLibPQ

#if canImport(Glibc)
    import Glibc
#endif

/// What one call returned: its rows (text format) and the rows it changed.
struct PostgresResult {
    var rows: [PostgresRow] = []
    var affectedRows = 0
    /// The command tag (`INSERT 0 1`, `COMMIT`, `ROLLBACK`…).
    var command = ""
}

/// Sending a call and collecting its results without ever blocking in libpq: the socket is
/// non-blocking, and every wait is a `poll` bounded by the call's client-side deadline.
extension PostgresConnection {
    /// One statement through the extended protocol (`PQsendQueryParams`, text format).
    func run(_ sql: String, _ parameters: [PostgresValue?]) throws -> PostgresResult {
        let conn = try usableHandle()
        try send(conn, sql, parameters)
        return try collect(conn)
    }

    /// Sends one statement (`PQsendQueryParams`, text format) without waiting for its result.
    func send(_ conn: OpaquePointer, _ sql: String, _ parameters: [PostgresValue?]) throws {
        guard !sql.utf8.contains(0) else { throw PostgresError(.usage, "the SQL text contains a NUL character") }
        for (i, p) in parameters.enumerated() where p?.text.utf8.contains(0) == true {
            throw PostgresError(.usage, "parameter $\(i + 1) contains a NUL character (PostgreSQL text cannot)")
        }
        guard parameters.count <= 65535 else { throw PostgresError(.usage, "more than 65,535 parameters") }
        let types = parameters.map { $0?.typeOID ?? 0 }
        let copies = parameters.map { $0.flatMap { strdup($0.text) } }
        defer { copies.forEach { free($0) } }
        if zip(parameters, copies).contains(where: { $0.0 != nil && $0.1 == nil }) {
            throw PostgresError(.usage, "out of memory copying the parameters")
        }
        let values = copies.map { UnsafePointer<CChar>($0) }
        let sent = PQsendQueryParams(conn, sql, Int32(parameters.count), types, values, nil, nil, 0)
        guard sent == 1 else { throw lost(conn) }
    }

    /// Statements without parameters through the simple protocol (`PQsendQuery`), which
    /// allows several separated by `;` (the first error, else the last result, is returned).
    func runSimple(_ sql: String) throws -> PostgresResult {
        let conn = try usableHandle()
        guard PQsendQuery(conn, sql) == 1 else { throw lost(conn) }
        return try collect(conn)
    }

    func usableHandle() throws -> OpaquePointer {
        guard let conn = handle else {
            throw PostgresError(.connection, "the connection is closed; reset() reconnects")
        }
        guard PQstatus(conn) == CONNECTION_OK else {
            throw PostgresError(.connection, "the connection is lost; reset() reconnects")
        }
        return conn
    }

    private func collect(_ conn: OpaquePointer) throws -> PostgresResult {
        let deadline = ContinuousClock.now.advanced(by: timeouts.client)
        try flush(conn, deadline)
        var outcome: Result<PostgresResult, PostgresError>?
        while true {
            try waitWhileBusy(conn, deadline)
            guard let result = PQgetResult(conn) else { break }
            let converted = Self.convert(result)
            PQclear(result)
            if case .failure = outcome {} else { outcome = converted }
        }
        guard PQstatus(conn) == CONNECTION_OK else {
            if case .failure(let error) = outcome {
                throw PostgresError(.connection, "connection lost: \(error.message)", sqlState: error.sqlState)
            }
            throw lost(conn)
        }
        return try (outcome ?? .success(PostgresResult())).get()
    }

    func flush(_ conn: OpaquePointer, _ deadline: ContinuousClock.Instant) throws {
        while true {
            let status = PQflush(conn)
            if status == 0 { return }
            guard status == 1 else { throw lost(conn) }
            let events = try wait(conn, for: Int16(POLLIN) | Int16(POLLOUT), deadline)
            if events & Int16(POLLIN) != 0, PQconsumeInput(conn) != 1 { throw lost(conn) }
        }
    }

    func waitWhileBusy(_ conn: OpaquePointer, _ deadline: ContinuousClock.Instant) throws {
        while PQisBusy(conn) == 1 {
            _ = try wait(conn, for: Int16(POLLIN), deadline)
            guard PQconsumeInput(conn) == 1 else { throw lost(conn) }
        }
    }

    /// Polls the socket until one of `events` (or an error/hang-up) or the deadline; at the
    /// deadline the connection is closed, since its protocol state is unknown.
    private func wait(_ conn: OpaquePointer, for events: Int16, _ deadline: ContinuousClock.Instant) throws -> Int16 {
        let fd = PQsocket(conn)
        guard fd >= 0 else { throw lost(conn) }
        while true {
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero else {
                close()
                throw PostgresError(
                    .clientTimeout,
                    "no answer from the server within \(timeouts.client); the connection was closed")
            }
            var descriptor = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&descriptor, 1, Int32(clamping: PostgresTimeouts.milliseconds(left)))
            if ready > 0 { return descriptor.revents }
            if ready < 0 && errno != EINTR {
                throw PostgresError(.connection, "poll failed: \(String(cString: strerror(errno)))")
            }
        }
    }

    func lost(_ conn: OpaquePointer) -> PostgresError {
        PostgresError(.connection, "connection lost: \(Self.errorText(conn))")
    }

    static func convert(_ result: OpaquePointer) -> Result<PostgresResult, PostgresError> {
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_SINGLE_TUPLE:
            return .success(PostgresResult(rows: rows(result), affectedRows: affected(result), command: tag(result)))
        case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return .success(PostgresResult(affectedRows: affected(result), command: tag(result)))
        case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR, PGRES_BAD_RESPONSE:
            return .failure(serverError(result))
        default:
            return .failure(PostgresError(.usage, "COPY and pipelines are not supported by this wrapper"))
        }
    }

    private static func rows(_ result: OpaquePointer) -> [PostgresRow] {
        let columnCount = PQnfields(result)
        let columns = (0..<columnCount).map { i in PQfname(result, i).map { String(cString: $0) } ?? "" }
        return (0..<PQntuples(result)).map { r in
            let values: [String?] = (0..<columnCount).map { c in
                guard PQgetisnull(result, r, c) == 0, let text = PQgetvalue(result, r, c) else { return nil }
                return String(cString: text)
            }
            return PostgresRow(columns: columns, values: values)
        }
    }

    private static func affected(_ result: OpaquePointer) -> Int {
        guard let text = PQcmdTuples(result) else { return 0 }
        return Int(String(cString: text)) ?? 0
    }

    private static func tag(_ result: OpaquePointer) -> String {
        PQcmdStatus(result).map { String(cString: $0) } ?? ""
    }

    private static func serverError(_ result: OpaquePointer) -> PostgresError {
        func field(_ code: UInt8) -> String? {
            PQresultErrorField(result, Int32(code)).map { String(cString: $0) }
        }
        let sqlState = field(UInt8(ascii: "C"))
        var message = field(UInt8(ascii: "M")) ?? PQresultErrorMessage(result).map { String(cString: $0) } ?? ""
        if let detail = field(UInt8(ascii: "D")) { message += " (\(detail))" }
        return PostgresError(.server, message.isEmpty ? "the server reported an error" : message, sqlState: sqlState)
    }
}
