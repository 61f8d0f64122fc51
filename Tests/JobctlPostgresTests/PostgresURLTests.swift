import Foundation
import JobctlPostgres
import Testing

@Suite("PostgresURL")
struct PostgresURLTests {
    struct Form: Sendable, CustomTestStringConvertible {
        var text: String
        var user: String?
        var host: String?
        var port: Int?
        var database: String?
        var testDescription: String { text }
    }

    @Test(arguments: [
        Form(
            text: "postgresql://jobctl@db.example.com:6432/state", user: "jobctl", host: "db.example.com",
            port: 6432, database: "state"),
        Form(text: "postgres://db.example.com/state", host: "db.example.com", database: "state"),
        Form(text: "POSTGRESQL://u@127.0.0.1/d", user: "u", host: "127.0.0.1", database: "d"),
        Form(text: "postgresql://u@[::1]:5433/d", user: "u", host: "::1", port: 5433, database: "d"),
        Form(text: "postgresql://%2Fvar%2Frun%2Fpostgresql/d", host: "/var/run/postgresql", database: "d"),
        Form(text: "postgresql://u@/d?host=/tmp/sock", user: "u", host: "/tmp/sock", database: "d"),
        Form(text: "postgresql://", user: nil),
        Form(text: "postgresql://us%40er@h/my%20db", user: "us@er", host: "h", database: "my db"),
    ])
    func acceptedForms(_ form: Form) throws {
        let url = try PostgresURL(form.text)
        #expect(url.user == form.user)
        #expect(url.host == form.host)
        #expect(url.port == form.port)
        #expect(url.database == form.database)
    }

    @Test(arguments: [
        "postgresql://jobctl:s3cret@db/state",
        "postgres://jobctl:@db/state",
        "postgresql://jobctl@db/state?password=s3cret",
        "postgresql://jobctl@db/state?sslpassword=s3cret",
    ])
    func passwordInTheURLIsRefused(_ text: String) throws {
        let error = try #require(throws: PostgresError.self) { try PostgresURL(text) }
        #expect(error.kind == .invalidURL)
        #expect(error.message.contains("password"))
        #expect(!error.description.contains("s3cret"))
    }

    @Test(arguments: [
        ("mysql://u@h/d", "unsupported URL scheme"),
        ("state.db", "not a PostgreSQL URL"),
        ("postgresql://h:0/d", "invalid port '0'"),
        ("postgresql://h:99999/d", "invalid port"),
        ("postgresql://h:port/d", "invalid port"),
        ("postgresql://h1,h2/d", "several hosts"),
        ("postgresql://[::1/d", "unclosed '['"),
        ("postgresql://h/d?sslmode=maybe", "invalid sslmode 'maybe'"),
        ("postgresql://h/d?statment_timeout=5", "unknown URL parameter 'statment_timeout'"),
        ("postgresql://h/d?statement_timeout=5h", "statement_timeout must be"),
        ("postgresql://h/d?connect_timeout=-1", "connect_timeout must be"),
        ("postgresql://h/d?sslmode=require&sslmode=disable", "given twice"),
        ("postgresql://h/d?sslmode", "has no value"),
        ("postgresql://h/d%zz", "invalid percent-encoding"),
        ("postgresql://h/d#x", "fragment"),
    ])
    func badURLsGiveOneLineErrors(_ text: String, _ expected: String) throws {
        let error = try #require(throws: PostgresError.self) { try PostgresURL(text) }
        #expect(error.kind == .invalidURL)
        #expect(error.message.contains(expected))
        #expect(!error.message.contains("\n"))
    }

    @Test func conninfoCarriesTimeoutsKeepalivesAndApplicationName() throws {
        let config = try PostgresConfiguration("postgresql://u@h:5433/d?sslmode=verify-full")
        let info = try config.conninfo()
        for pair in [
            "host='h'", "port='5433'", "user='u'", "dbname='d'", "connect_timeout='5'", "keepalives='1'",
            "keepalives_idle='10'", "keepalives_interval='3'", "keepalives_count='3'", "tcp_user_timeout='10000'",
            "application_name='jobctl'", "client_encoding='UTF8'", "sslmode='verify-full'",
            "options='-c statement_timeout=10000 -c lock_timeout=5000 -c idle_in_transaction_session_timeout=10000'",
        ] {
            #expect(info.contains(pair), "\(pair) missing from \(info)")
        }
        #expect(!info.contains("password"))
    }

    @Test func urlParametersOverrideTheTimeouts() throws {
        let url = try PostgresURL(
            "postgresql://h/d?statement_timeout=2s&lock_timeout=250&idle_in_transaction_session_timeout=1min"
                + "&connect_timeout=3&keepalives_idle=7&tcp_user_timeout=4000&application_name=node%201")
        #expect(url.timeouts.statement == .seconds(2))
        #expect(url.timeouts.lock == .milliseconds(250))
        #expect(url.timeouts.idleInTransaction == .seconds(60))
        #expect(url.timeouts.connect == .seconds(3))
        #expect(url.timeouts.keepalivesIdle == .seconds(7))
        #expect(url.timeouts.tcpUserTimeout == .milliseconds(4000))
        #expect(url.timeouts.client == .seconds(7))
        let info = try PostgresConfiguration(url: url).conninfo()
        #expect(info.contains("application_name='node 1'"))
        #expect(
            info.contains(
                "-c statement_timeout=2000 -c lock_timeout=250 -c idle_in_transaction_session_timeout=60000"))
    }

    @Test func conninfoValuesWithQuotesAreEscaped() throws {
        let config = try PostgresConfiguration("postgresql://o%27brien@h/d%5Cx")
        let info = try config.conninfo()
        #expect(info.contains(#"user='o\'brien'"#))
        #expect(info.contains(#"dbname='d\\x'"#))
    }

    @Test func descriptionIsTheURLWithoutSecrets() throws {
        let url = try PostgresURL("postgresql://u@[::1]:5433/state?sslmode=require")
        #expect(url.description == "postgresql://u@[::1]:5433/state")
    }
}
