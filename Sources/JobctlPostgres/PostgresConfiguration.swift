/// What a connection needs: the URL, where the password comes from, and the name the server
/// shows in `pg_stat_activity`.
public struct PostgresConfiguration: Sendable, Equatable {
    public var url: PostgresURL
    /// A file holding the password (`STATE_DB_PASSWORD_FILE`), read at each connect so a
    /// rotated password is picked up. Must be ours and mode 0600 (see `PostgresPasswordFile`).
    /// Without it libpq uses `PGPASSWORD`, then the passfile, as usual.
    public var passwordFile: String?
    /// libpq `application_name`; the URL's own `application_name` wins.
    public var applicationName: String

    public init(url: PostgresURL, passwordFile: String? = nil, applicationName: String = "jobctl") {
        self.url = url
        self.passwordFile = passwordFile
        self.applicationName = applicationName
    }

    /// Parses `url` (see `PostgresURL`).
    public init(_ url: String, passwordFile: String? = nil, applicationName: String = "jobctl") throws {
        self.init(url: try PostgresURL(url), passwordFile: passwordFile, applicationName: applicationName)
    }

    public var timeouts: PostgresTimeouts {
        get { url.timeouts }
        set { url.timeouts = newValue }
    }

    /// The libpq connection string, with the password when a password file is set.
    /// Never log it; `description` of the URL is the loggable form.
    public func conninfo() throws -> String {
        var pairs = keywords()
        if let passwordFile {
            pairs.append(("password", try PostgresPasswordFile.read(passwordFile)))
        }
        return pairs.map { "\($0.0)=\(Self.quote($0.1))" }.joined(separator: " ")
    }

    func keywords() -> [(String, String)] {
        let t = url.timeouts
        var pairs: [(String, String)] = []
        if let host = url.host { pairs.append(("host", host)) }
        if let port = url.port { pairs.append(("port", String(port))) }
        if let user = url.user { pairs.append(("user", user)) }
        if let database = url.database { pairs.append(("dbname", database)) }
        pairs += [
            ("connect_timeout", String(PostgresTimeouts.seconds(t.connect))),
            ("keepalives", "1"),
            ("keepalives_idle", String(PostgresTimeouts.seconds(t.keepalivesIdle))),
            ("keepalives_interval", String(PostgresTimeouts.seconds(t.keepalivesInterval))),
            ("keepalives_count", String(t.keepalivesCount)),
            ("tcp_user_timeout", String(PostgresTimeouts.milliseconds(t.tcpUserTimeout))),
            ("application_name", url.applicationName ?? applicationName),
            ("client_encoding", "UTF8"),
            ("options", t.serverOptions),
        ]
        pairs += url.libpqParameters.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        return pairs
    }

    /// libpq conninfo quoting: single quotes, with `\` and `'` backslash-escaped.
    static func quote(_ value: String) -> String {
        var out = "'"
        for c in value {
            if c == "\\" || c == "'" { out.append("\\") }
            out.append(c)
        }
        return out + "'"
    }
}
