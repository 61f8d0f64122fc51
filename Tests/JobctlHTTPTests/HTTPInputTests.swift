import Foundation
import JobctlConfig
import Testing

@testable import JobctlHTTP

@Suite struct HTTPListenAddressTests {
    @Test(arguments: [
        ("127.0.0.1:8080", "127.0.0.1", 8080),
        ("localhost:8080", "127.0.0.1", 8080),
        ("8080", "127.0.0.1", 8080),
        (":8080", "127.0.0.1", 8080),
        ("127.0.0.1:0", "127.0.0.1", 0),
        ("127.1.2.3:9000", "127.1.2.3", 9000),
        ("[::1]:8080", "::1", 8080),
        ("0.0.0.0:8080", "0.0.0.0", 8080),
    ])
    func accepts(text: String, host: String, port: Int) throws {
        let address = try HTTPListenAddress.parse(text)
        #expect(address == HTTPListenAddress(host: host, port: port))
        #expect(address.isPublic == (host == "0.0.0.0"))
    }

    @Test(arguments: [
        "192.168.1.10:8080", "10.0.0.1:80", "[::]:8080", "example.com:80", "::1:8080", "127.0.0.1:65536",
        "127.0.0.1:", "127.0.0.1:http", "127.0.0.1:-1", "", "127.0.0.256:80", "[::1]8080",
    ])
    func refuses(text: String) {
        #expect(throws: HTTPListenAddress.ParseError.self) { try HTTPListenAddress.parse(text) }
    }

    @Test func refusalExplainsTheWayOut() {
        #expect {
            try HTTPListenAddress.parse("192.168.1.10:8080")
        } throws: { error in
            "\(error)".contains("0.0.0.0:PORT") && "\(error)".contains("non-loopback")
        }
    }
}

@Suite struct BearerTokenTests {
    let token: BearerToken

    init() throws {
        token = try BearerToken("s3cret-token-0123456789", source: "test")
    }

    @Test func acceptsOnlyTheExactBearerToken() {
        #expect(token.accepts(authorization: "Bearer s3cret-token-0123456789"))
        #expect(token.accepts(authorization: "bearer s3cret-token-0123456789"))
        #expect(!token.accepts(authorization: nil))
        #expect(!token.accepts(authorization: ""))
        #expect(!token.accepts(authorization: "Bearer"))
        #expect(!token.accepts(authorization: "Bearer "))
        #expect(!token.accepts(authorization: "Basic s3cret-token-0123456789"))
        #expect(!token.accepts(authorization: "s3cret-token-0123456789"))
        #expect(!token.accepts(authorization: "Bearer s3cret-token-012345678"))
        #expect(!token.accepts(authorization: "Bearer s3cret-token-01234567890"))
        #expect(!token.accepts(authorization: "Bearer S3cret-token-0123456789"))
        #expect(!token.accepts(authorization: "Bearer s3cret-token-0123456789\u{0}"))
    }

    @Test func constantTimeComparisonComparesEveryByte() {
        let secret = Array("abcdefghijklmnop".utf8)
        #expect(BearerToken.constantTimeEquals(secret, secret))
        #expect(!BearerToken.constantTimeEquals([], secret))
        #expect(!BearerToken.constantTimeEquals(secret + [0], secret))
        // A candidate that is the secret followed by zero bytes must not pass (length counts).
        #expect(!BearerToken.constantTimeEquals(Array(secret.dropLast()), secret))
        var lastByte = secret
        lastByte[15] ^= 1
        #expect(!BearerToken.constantTimeEquals(lastByte, secret))
    }

    @Test func loadsTheFileBeforeTheEnvironment() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jobctl-token-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("token").path
        try "  from-the-file-0123456789\n".write(toFile: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
        let env = ["JOBCTL_HTTP_TOKEN": "from-the-env-0123456789"]
        let fromFile = try #require(try BearerToken.load(tokenFile: file, environment: env))
        #expect(fromFile.accepts(authorization: "Bearer from-the-file-0123456789"))
        #expect(!fromFile.accepts(authorization: "Bearer from-the-env-0123456789"))
        let fromEnv = try #require(try BearerToken.load(tokenFile: nil, environment: env))
        #expect(fromEnv.accepts(authorization: "Bearer from-the-env-0123456789"))
        #expect(try BearerToken.load(tokenFile: nil, environment: [:]) == nil)
        #expect(try BearerToken.load(tokenFile: nil, environment: ["JOBCTL_HTTP_TOKEN": ""]) == nil)
    }

    @Test func refusesWeakOrUnreadableTokens() throws {
        #expect(throws: BearerToken.LoadError.self) { try BearerToken("short", source: "test") }
        #expect(throws: BearerToken.LoadError.self) { try BearerToken("has a space in it 0123456789", source: "test") }
        #expect(throws: BearerToken.LoadError.self) {
            try BearerToken.load(tokenFile: "/nonexistent/token", environment: [:])
        }
    }
}

@Suite struct HistoryQueryTests {
    func parse(_ query: [String: String]) throws(HistoryQuery.Invalid) -> HistoryQuery {
        try HistoryQuery.parse { query[$0] }
    }

    @Test func defaultsAndEmptyValues() throws {
        #expect(try parse([:]) == HistoryQuery(limit: 20, job: nil, status: nil))
        #expect(try parse(["limit": "", "job": "", "status": ""]) == HistoryQuery(limit: 20, job: nil, status: nil))
        #expect(
            try parse(["limit": "100", "job": "prizepool", "status": "timed_out"])
                == HistoryQuery(limit: 100, job: "prizepool", status: .timedOut))
        #expect(try parse(["limit": "1", "unknown": "ignored"]).limit == 1)
    }

    @Test(arguments: ["0", "101", "-1", "+5", "1e2", "abc", "1.0", " 5", "99999999999999999999"])
    func badLimits(limit: String) {
        #expect(throws: HistoryQuery.Invalid.self) { try parse(["limit": limit]) }
    }

    @Test func badStatusNamesTheValidOnes() {
        #expect {
            try parse(["status": "ok"])
        } throws: { error in
            "\(error)".contains("succeeded") && "\(error)".contains("timed_out")
        }
    }
}
