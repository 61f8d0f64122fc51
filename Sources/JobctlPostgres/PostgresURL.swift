import Foundation

/// A PostgreSQL URL as `STATE_DB` and `APP_DB` take it:
/// `postgresql://user@host:port/db?sslmode=verify-full` (or `postgres://`).
///
/// - The host may be a name, an IPv4 address, `[IPv6]`, or a unix socket directory written
///   percent-encoded (`%2Fvar%2Frun%2Fpostgresql`) or as `?host=/var/run/postgresql`.
///   What is left out falls to libpq's defaults (`PGHOST`, `PGPORT`, `PGUSER`… then the local
///   socket, 5432, the OS user name).
/// - A password in the URL is refused, even an empty one: URLs end up in `ps`, shell history
///   and logs. It comes from `PGPASSWORD`, a passfile (`~/.pgpass`, `PGPASSFILE`, `?passfile=`)
///   or `PostgresConfiguration.passwordFile`.
/// - Only the query parameters in `acceptedParameters` are accepted; a misspelt one is an
///   error, not a silently ignored setting.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    public var user: String?
    /// A host name or address, or a unix socket directory (starts with `/`).
    public var host: String?
    public var port: Int?
    public var database: String?
    /// libpq keywords passed through unchanged (`sslmode`, `sslrootcert`, `passfile`…).
    public var libpqParameters: [String: String] = [:]
    /// The defaults, with the URL's `connect_timeout`, `statement_timeout`… applied.
    public var timeouts = PostgresTimeouts()
    /// The URL's `application_name`, if it has one.
    public var applicationName: String?

    static let sslModes: Set = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]
    static let passThrough: Set = [
        "sslmode", "sslrootcert", "sslcert", "sslkey", "sslcrl", "passfile",
        "target_session_attrs",
    ]
    static let timeoutNames: Set = [
        "connect_timeout", "statement_timeout", "lock_timeout",
        "idle_in_transaction_session_timeout", "keepalives_idle",
        "keepalives_interval", "keepalives_count", "tcp_user_timeout",
    ]
    public static let acceptedParameters = passThrough.union(timeoutNames).union(["host", "application_name"])

    /// Parses `text`; every error is one line and never repeats a password.
    public init(_ text: String) throws {
        guard let schemeEnd = text.range(of: "://") else {
            // Not repeated in the message: a mistyped URL could carry a password.
            throw Self.invalid("not a PostgreSQL URL (postgresql://user@host:port/database)")
        }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "postgresql" || scheme == "postgres" else {
            throw Self.invalid("unsupported URL scheme '\(scheme)://' (use postgresql:// or postgres://)")
        }
        var rest = Substring(text[schemeEnd.upperBound...])
        guard !rest.contains("#") else { throw Self.invalid("a PostgreSQL URL has no '#fragment'") }
        var query: Substring = ""
        if let q = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: q)...]
            rest = rest[..<q]
        }
        let authority = rest.prefix { $0 != "/" }
        let path = rest.dropFirst(authority.count).dropFirst()
        try parseAuthority(authority)
        database = path.isEmpty ? nil : try Self.decode(path, what: "database name")
        try parseQuery(query)
    }

    private mutating func parseAuthority(_ authority: Substring) throws {
        var hostPort = authority
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            guard !userInfo.contains(":") else { throw Self.passwordInURL }
            user = userInfo.isEmpty ? nil : try Self.decode(userInfo, what: "user name")
            hostPort = authority[authority.index(after: at)...]
        }
        guard !hostPort.contains(",") else {
            throw Self.invalid("several hosts in one URL are not supported; give one host")
        }
        var portText: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else {
                throw Self.invalid("unclosed '[' in the host of the URL")
            }
            host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            let after = hostPort[hostPort.index(after: close)...]
            guard after.isEmpty || after.hasPrefix(":") else {
                throw Self.invalid("unexpected '\(after)' after the IPv6 address of the URL")
            }
            portText = after.isEmpty ? nil : after.dropFirst()
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = try Self.decodeOptional(hostPort[..<colon], what: "host")
            portText = hostPort[hostPort.index(after: colon)...]
        } else {
            host = try Self.decodeOptional(hostPort, what: "host")
        }
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else {
                throw Self.invalid("invalid port '\(portText)' in the URL (1-65535)")
            }
            port = value
        }
    }

    private mutating func parseQuery(_ query: Substring) throws {
        var seen: Set<String> = []
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            guard let eq = pair.firstIndex(of: "=") else {
                throw Self.invalid("URL parameter '\(pair)' has no value (name=value)")
            }
            let name = try Self.decode(pair[..<eq], what: "parameter name")
            let value = try Self.decode(pair[pair.index(after: eq)...], what: "value of \(name)")
            guard name != "password", name != "sslpassword" else { throw Self.passwordInURL }
            guard Self.acceptedParameters.contains(name) else {
                let names = Self.acceptedParameters.sorted().joined(separator: ", ")
                throw Self.invalid("unknown URL parameter '\(name)' (accepted: \(names))")
            }
            guard seen.insert(name).inserted else { throw Self.invalid("URL parameter '\(name)' is given twice") }
            try apply(name, value)
        }
    }

    private mutating func apply(_ name: String, _ value: String) throws {
        switch name {
        case "host": host = value.isEmpty ? nil : value
        case "application_name": applicationName = value
        case "sslmode":
            guard Self.sslModes.contains(value) else {
                throw Self.invalid("invalid sslmode '\(value)' (\(Self.sslModes.sorted().joined(separator: ", ")))")
            }
            libpqParameters[name] = value
        case _ where Self.timeoutNames.contains(name): try applyTimeout(name, value)
        default: libpqParameters[name] = value
        }
    }

    /// Server timeouts take milliseconds or a unit (`200`, `200ms`, `5s`, `1min`), as in
    /// postgresql.conf; libpq's own take whole seconds, `tcp_user_timeout` milliseconds.
    private mutating func applyTimeout(_ name: String, _ value: String) throws {
        let serverUnits = ["statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout"]
        if serverUnits.contains(name) {
            let duration = try Self.duration(value, name: name)
            switch name {
            case "statement_timeout": timeouts.statement = duration
            case "lock_timeout": timeouts.lock = duration
            default: timeouts.idleInTransaction = duration
            }
            return
        }
        guard let n = Int64(value), n >= 0, n <= Int64(Int32.max) else {
            throw Self.invalid("\(name) must be a whole number ≥ 0, not '\(value)'")
        }
        switch name {
        case "connect_timeout": timeouts.connect = .seconds(n)
        case "keepalives_idle": timeouts.keepalivesIdle = .seconds(n)
        case "keepalives_interval": timeouts.keepalivesInterval = .seconds(n)
        case "keepalives_count": timeouts.keepalivesCount = Int(n)
        default: timeouts.tcpUserTimeout = .milliseconds(n)
        }
    }

    static func duration(_ value: String, name: String) throws -> Duration {
        let digits = value.prefix { $0.isASCII && $0.isNumber }
        let unit = value.dropFirst(digits.count)
        let factors: [Substring: Int64] = ["": 1, "ms": 1, "s": 1000, "min": 60_000]
        guard let n = Int64(digits), let factor = factors[unit], n <= Int64(Int32.max) / factor else {
            throw invalid("\(name) must be milliseconds or a number with ms, s or min, not '\(value)'")
        }
        return .milliseconds(n * factor)
    }

    public var description: String {
        var text = "postgresql://"
        if let user { text += Self.encode(user) + "@" }
        if let host { text += host.contains(":") ? "[\(host)]" : Self.encode(host) }
        if let port { text += ":\(port)" }
        if let database { text += "/" + Self.encode(database) }
        return text
    }

    static let passwordInURL = PostgresError(
        .invalidURL,
        "the URL contains a password: put it in PGPASSWORD, a passfile, or a password file (mode 0600), "
            + "never in the URL")

    static func invalid(_ message: String) -> PostgresError { PostgresError(.invalidURL, message) }

    static func decode(_ part: Substring, what: String) throws -> String {
        guard let decoded = String(part).removingPercentEncoding, !decoded.contains("\0") else {
            throw invalid("invalid percent-encoding in the \(what) of the URL")
        }
        return decoded
    }

    static func decodeOptional(_ part: Substring, what: String) throws -> String? {
        part.isEmpty ? nil : try decode(part, what: what)
    }

    static func encode(_ text: String) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
