import Foundation
import JobctlReports
import Testing

@testable import JobctlHTTP

#if canImport(Glibc)
    import Glibc
#endif

/// The DNS-rebinding defence: which `Host` headers name this server.
@Suite struct HostPolicyTests {
    let loopback = HostPolicy(listenHost: "127.0.0.1")

    @Test(arguments: ["127.0.0.1:8080", "localhost:8080", "LOCALHOST:8080", "[::1]:8080"])
    func loopbackNamesWithThePortAreAccepted(host: String) {
        #expect(loopback.allows(host, localHost: "127.0.0.1", localPort: 8080))
    }

    @Test(arguments: [
        "evil.example:8080", "evil.example", "127.0.0.1", "127.0.0.1:8081", "localhost:80", "localhost.:8080",
        "127.0.0.1.nip.io:8080", "[::1]", "::1:8080", "", "127.0.0.1:08080x", "0.0.0.0:8080", "192.168.1.5:8080",
    ])
    func forgedHostHeaderIsRefused(host: String) {
        #expect(!loopback.allows(host, localHost: "127.0.0.1", localPort: 8080))
    }

    @Test func missingHostIsRefused() {
        #expect(!loopback.allows(nil, localHost: "127.0.0.1", localPort: 8080))
    }

    @Test func theListenAddressItselfIsAccepted() {
        let policy = HostPolicy(listenHost: "127.0.0.2")
        #expect(policy.allows("127.0.0.2:9000", localHost: "127.0.0.2", localPort: 9000))
        #expect(!policy.allows("127.0.0.3:9000", localHost: "127.0.0.2", localPort: 9000))
    }

    @Test func everyInterfaceAcceptsTheInterfaceAddressButNoName() {
        let policy = HostPolicy(listenHost: "0.0.0.0")
        #expect(policy.allows("192.168.1.5:8080", localHost: "192.168.1.5", localPort: 8080))
        #expect(policy.allows("localhost:8080", localHost: "192.168.1.5", localPort: 8080))
        #expect(!policy.allows("0.0.0.0:8080", localHost: "192.168.1.5", localPort: 8080))
        #expect(!policy.allows("myhost.lan:8080", localHost: "192.168.1.5", localPort: 8080))
        #expect(!policy.allows("192.168.1.6:8080", localHost: "192.168.1.5", localPort: 8080))
    }

    @Test func noPortMeansEighty() {
        #expect(loopback.allows("localhost", localHost: "127.0.0.1", localPort: 80))
        #expect(loopback.allows("[::1]", localHost: "127.0.0.1", localPort: 80))
    }
}

/// What anonymous and token-bearing readers get.
@Suite struct ReadAccessTests {
    func token() throws -> BearerToken { try BearerToken("read-token-0123456789abcdef", source: "test") }

    @Test func anonymousReadGetsNoTailOrError() throws {
        #expect(ReadAccess(authorization: nil, token: try token()) == .anonymous)
        #expect(ReadAccess(authorization: nil, token: nil) == .anonymous)
        #expect(ReadAccess(authorization: "Bearer anything-at-all-0123456789", token: nil) == .anonymous)
        let json = #"""
            {"attempt":1,"durationMs":3,"error":"JOBCTL_HTTP_TOKEN=secret","finishedAt":null,"host":"h","id":1,
             "job":"env","latenessMs":null,"metrics":null,"output":"JOBCTL_HTTP_TOKEN=secret\n","pid":1,
             "scheduledFor":null,"startedAt":"1970-01-01T00:00:00.000Z","status":"failed",
             "triggeredBy":"manual","user":"me"}
            """#
        let execution = try JSONDecoder().decode(ExecutionJSON.self, from: Data(json.utf8))
        #expect(execution.output != nil && execution.error != nil)
        let redacted = execution.redacted
        #expect(redacted.output == nil && redacted.error == nil)
        #expect(redacted.job == "env" && redacted.status == "failed")
    }

    @Test func tokenReadGetsEverythingAndAWrongOneIsRefused() throws {
        let token = try token()
        #expect(ReadAccess(authorization: "Bearer read-token-0123456789abcdef", token: token) == .full)
        #expect(ReadAccess(authorization: "Bearer wrong-token-0123456789abcde", token: token) == .refused)
        #expect(ReadAccess(authorization: "Basic read-token-0123456789abcdef", token: token) == .refused)
    }
}

@Suite struct TokenFileSafetyTests {
    @Test(arguments: [0o644 as mode_t, 0o640, 0o604, 0o620, 0o660])
    func tokenFileReadableByOthersIsRefused(mode: mode_t) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jobctl-token-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("token").path
        try "from-the-file-0123456789\n".write(toFile: file, atomically: false, encoding: .utf8)
        chmod(file, mode)
        #expect {
            _ = try BearerToken.load(tokenFile: file, environment: [:])
        } throws: { error in
            "\(error)".contains("readable or writable by group or others") && "\(error)".contains("chmod 600")
        }
        chmod(file, 0o600)
        #expect(try BearerToken.load(tokenFile: file, environment: [:]) != nil)
        chmod(file, 0o400)
        #expect(try BearerToken.load(tokenFile: file, environment: [:]) != nil)
    }
}
