import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 9 through the real `jobctl run --http`: reads never leak, forged `Host` headers are
/// refused, slow sockets cannot lock the API out, disabled jobs cannot be triggered, and a
/// token file others can read stops the start.
@Suite struct HTTPHardeningTests {
    static let jobs = """
        @reboot    leaky  command="echo JOBCTL_HTTP_TOKEN=from-the-environment; echo boom >&2; exit 3"
        0 0 1 1 *  quick  command="true"
        0 0 1 1 *  off    command="touch ran-although-disabled" enabled=false
        """

    /// `GET path` with exactly the `Host` header given (or none).
    static func get(_ port: Int, _ path: String, host: String?) throws -> HTTPReply {
        var head = "GET \(path) HTTP/1.1\r\n"
        if let host { head += "Host: \(host)\r\n" }
        head += "Connection: close\r\n\r\n"
        return try RawHTTP.parse(RawHTTP.exchange(port: port, Data(head.utf8)))
    }

    static func start(_ config: String = jobs) async throws -> HTTPDaemon {
        try await offPool { try HTTPDaemon(config: config) }
    }

    @Test func forgedHostHeaderIsRefused() async throws {
        let daemon = try await Self.start()
        defer { daemon.stop() }
        let port = daemon.port
        let paths = ["/api/v1/jobs/status", "/api/v1/jobs/history", "/", "/metrics", "/nope"]
        for forged in ["evil.example:\(port)", "evil.example", "127.0.0.1.nip.io:\(port)", "127.0.0.1:\(port + 1)"] {
            let replies = try await offPool { try paths.map { try Self.get(port, $0, host: forged) } }
            for (path, reply) in zip(paths, replies) {
                #expect(reply.status == 421, "\(forged) \(path): \(reply.status)")
                #expect(reply.text.split(separator: "\n").count == 1)
                #expect(!reply.text.contains("boom"))
            }
        }
        let trigger = try await offPool {
            try RawHTTP.parse(
                RawHTTP.exchange(
                    port: port,
                    Data(
                        ("POST /api/v1/jobs/trigger/quick HTTP/1.1\r\nHost: evil.example:\(port)\r\n"
                            + "Authorization: Bearer \(HTTPDaemon.token)\r\nConnection: close\r\n\r\n").utf8)))
        }
        #expect(trigger.status == 421)
        #expect(try await offPool { try Self.get(port, "/api/v1/jobs/status", host: nil) }.status != 200)
        for good in ["127.0.0.1:\(port)", "localhost:\(port)", "[::1]:\(port)"] {
            let reply = try await offPool { try Self.get(port, "/api/v1/jobs/status", host: good) }
            #expect(reply.status == 200, "\(good)")
        }
    }

    @Test func anonymousReadsGetNoOutputTailOrError() async throws {
        let daemon = try await Self.start()
        defer { daemon.stop() }
        let statusReply = try await offPool {
            _ = try daemon.waitForStatus { lastRunStatus($0, "leaky") == "failed" }
            return try daemon.get("/api/v1/jobs/status")
        }
        let status = try #require(try statusReply.object()["data"] as? [String: Any])
        #expect(status["redacted"] as? Bool == true)
        let lastRun = try #require(statusJob(status, "leaky")?["lastRun"] as? [String: Any])
        #expect(lastRun["output"] is NSNull)
        #expect(lastRun["error"] is NSNull)
        let recent = try #require(status["recentExecutions"] as? [[String: Any]])
        #expect(recent.allSatisfy { $0["output"] is NSNull && $0["error"] is NSNull })
        let history = try await offPool { try daemon.get("/api/v1/jobs/history") }
        #expect(history.status == 200)
        #expect(!history.text.contains("JOBCTL_HTTP_TOKEN"))
        #expect(!history.text.contains("exit status"))
        #expect(try history.object()["data"].flatMap { ($0 as? [String: Any])?["redacted"] as? Bool } == true)
        #expect(!(try await offPool { try daemon.get("/api/v1/jobs/status") }.text.contains("from-the-environment")))

        // With the token: everything.
        let fullReply = try await offPool { try daemon.getWithToken("/api/v1/jobs/status") }
        let full = try #require(try fullReply.object()["data"] as? [String: Any])
        #expect(full["redacted"] as? Bool == false)
        let fullRun = try #require(statusJob(full, "leaky")?["lastRun"] as? [String: Any])
        #expect((fullRun["output"] as? String)?.contains("JOBCTL_HTTP_TOKEN=from-the-environment") == true)
        #expect((fullRun["error"] as? String)?.isEmpty == false)
        let fullHistory = try await offPool { try daemon.getWithToken("/api/v1/jobs/history") }
        #expect(fullHistory.text.contains("boom"))
        // A wrong token is refused, not silently redacted.
        let wrongToken = "wrong-token-0123456789abcdef-XYZ"
        let wrong = try await offPool {
            try ["/api/v1/jobs/history", "/api/v1/jobs/status"].map { try daemon.getWithToken($0, token: wrongToken) }
        }
        #expect(wrong.map(\.status) == [401, 401])
    }

    @Test func disabledJobCannotBeTriggered() async throws {
        let daemon = try await Self.start()
        defer { daemon.stop() }
        let reply = try await offPool { try daemon.trigger("off") }
        #expect(reply.status == 409)
        let refusal = "job 'off' is disabled (enabled=false on line 5); nothing ran"
        #expect(try reply.object()["error"] as? String == refusal)
        // `jobctl trigger` says the same and exits 2.
        let config = daemon.directory.appendingPathComponent("jobs.conf").path
        let cli = try await offPool {
            try Binary.run(["trigger", "off", "--config", config], currentDirectory: daemon.directory.path)
        }
        #expect(cli.status == 2)
        #expect(cli.stderr.contains(refusal))
        let marker = daemon.directory.appendingPathComponent("ran-although-disabled").path
        #expect(!FileManager.default.fileExists(atPath: marker))
        let history = try await offPool { try daemon.getWithToken("/api/v1/jobs/history?job=off") }
        #expect(try (history.object()["data"] as? [String: Any])?["count"] as? Int == 0)
    }

    @Test func tokenFileReadableByOthersStopsTheStart() async throws {
        let dir = try Binary.temporaryDirectory()
        let token = dir.appendingPathComponent("token").path
        try (HTTPDaemon.token + "\n").write(toFile: token, atomically: false, encoding: .utf8)
        chmod(token, 0o644)
        try "TZ=UTC\nHTTP_TOKEN_FILE=token\n@daily quick command=\"true\"\n"
            .write(to: dir.appendingPathComponent("jobs.conf"), atomically: true, encoding: .utf8)
        let daemon = try Daemon(["run", "--config", "jobs.conf", "--http", "127.0.0.1:0"], directory: dir)
        let status = try await offPool { daemon.wait(timeout: 20) }
        #expect(status == 2, "\(daemon.output)")
        #expect(daemon.output.contains("refusing HTTP_TOKEN_FILE"))
        #expect(daemon.output.contains("(mode 0644): chmod 600 it"))
        #expect(!daemon.output.contains("HTTP listening"))
    }

    /// 600 connections (more than the 512 the server accepts at once) each send a trigger
    /// request whose body trickles a byte a second — every byte used to reset the idle timeout,
    /// so they held every slot for as long as they trickled. Now each request must arrive
    /// within 10 s: a normal request answers within a wave or two. Hang guard only.
    @Test(.timeLimit(.minutes(3))) func slowSocketsDoNotLockOutTheAPI() async throws {
        let daemon = try await Self.start()
        defer { daemon.stop() }
        let port = daemon.port
        let trickler = try await offPool { try Trickler(port: port, connections: 600) }
        defer { trickler.stop() }
        trickler.start(for: 60)
        try await Task.sleep(for: .seconds(2))  // every slot is taken and the backlog holds the rest
        let (reply, waited) = try await offPool {
            let started = Date()
            let request = "GET /api/v1/jobs/status HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n"
            let reply = try RawHTTP.parse(RawHTTP.exchange(port: port, Data(request.utf8), timeout: 40))
            return (reply, Date().timeIntervalSince(started))
        }
        #expect(reply.status == 200)
        #expect(waited < 45, "the API answered after \(waited) s")
        let note = "slow sockets: a normal request answered after \(Int(waited * 1000)) ms\n"
        FileHandle.standardError.write(Data(note.utf8))
    }
}

/// Many sockets that each send a request head, then its body one byte a second.
final class Trickler: @unchecked Sendable {
    private var sockets: [Int32] = []
    private let lock = NSLock()
    private var stopped = false
    private var started = false
    private let done = DispatchSemaphore(value: 0)

    init(port: Int, connections: Int) throws {
        let head =
            "POST /api/v1/jobs/trigger/quick HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Length: 16000\r\n\r\n"
        for _ in 0..<connections {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw HTTPTestError("socket: \(errno)") }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let size = socklen_t(MemoryLayout<sockaddr_in>.size)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, size) }
            }
            guard connected == 0 else {
                close(fd)
                throw HTTPTestError("connect: errno \(errno)")
            }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = head.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
            sockets.append(fd)
        }
    }

    /// Sends one body byte on every socket each second, for `seconds` or until `stop`.
    func start(for seconds: Int) {
        lock.withLock { started = true }
        Thread.detachNewThread { [self] in
            for _ in 0..<seconds {
                if lock.withLock({ stopped }) { break }
                for fd in sockets { _ = send(fd, "x", 1, Int32(MSG_NOSIGNAL)) }
                usleep(1_000_000)
            }
            done.signal()
        }
    }

    func stop() {
        let wasStarted = lock.withLock {
            stopped = true
            return started
        }
        if wasStarted { done.wait() }
        for fd in sockets { close(fd) }
    }
}
