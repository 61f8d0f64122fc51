import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// One HTTP/1.1 exchange over a plain socket: the tests see exactly the bytes the server sends
/// (and can send bytes no HTTP client would).
struct HTTPReply: Sendable {
    var status: Int
    /// Header names lowercased.
    var headers: [String: String]
    var body: Data

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as a JSON object.
    func object() throws -> [String: Any] {
        let value = try JSONSerialization.jsonObject(with: body)
        guard let object = value as? [String: Any] else {
            throw HTTPTestError("not a JSON object: \(text.prefix(200))")
        }
        return object
    }
}

struct HTTPTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

enum RawHTTP {
    /// Connects to 127.0.0.1:port, sends `bytes`, reads until the server closes (or `timeout`).
    static func exchange(port: Int, _ bytes: Data, timeout: TimeInterval = 15) throws -> Data {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HTTPTestError("socket: \(errno)") }
        defer { close(fd) }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw HTTPTestError("connect to port \(port): errno \(errno)") }
        // MSG_NOSIGNAL: a server that answers early and closes (413) must not SIGPIPE the tests.
        var sent = 0
        try bytes.withUnsafeBytes { raw in
            while sent < raw.count {
                let n = send(fd, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                if n <= 0 {
                    if errno == EPIPE || errno == ECONNRESET { return }  // the server stopped reading: fine
                    throw HTTPTestError("send: errno \(errno)")
                }
                sent += n
            }
        }
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            received.append(contentsOf: buffer[0..<n])
        }
        return received
    }

    /// Sends one request with `Connection: close` and parses the answer.
    static func request(
        port: Int, _ method: String, _ path: String, headers: [String: String] = [:], body: Data? = nil
    ) throws -> HTTPReply {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if let body { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        var bytes = Data(head.utf8)
        if let body { bytes.append(body) }
        return try parse(exchange(port: port, bytes))
    }

    static func get(port: Int, _ path: String) throws -> HTTPReply { try request(port: port, "GET", path) }

    static func parse(_ data: Data) throws -> HTTPReply {
        let separator = Data("\r\n\r\n".utf8)
        guard let range = data.range(of: separator) else {
            throw HTTPTestError(
                "no HTTP head in \(data.count) bytes: \(String(decoding: data.prefix(200), as: UTF8.self))")
        }
        let head = String(decoding: data[..<range.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusLine = head[0].split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw HTTPTestError("bad status line \(head[0])")
        }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        var body = Data(data[range.upperBound...])
        if let length = headers["content-length"].flatMap(Int.init), body.count > length { body = body.prefix(length) }
        return HTTPReply(status: status, headers: headers, body: body)
    }
}

/// `jobctl run --http 127.0.0.1:0` in the background, with its environment under control; the
/// port comes from its log line `HTTP listening on 127.0.0.1:PORT`.
final class HTTPDaemon: @unchecked Sendable {
    let directory: URL
    private let daemon: Daemon
    private(set) var port = 0

    static let token = "test-token-0123456789abcdef-XYZ"

    /// Writes `jobs.conf` (TZ=UTC and `config`) into a fresh directory, optionally a token file,
    /// starts the scheduler and waits until it serves HTTP and has started.
    init(
        config: String, tokenFile: Bool = true, environment: [String: String] = [:], seedRows: Int = 0,
        extraArguments: [String] = []
    ) throws {
        directory = try Binary.temporaryDirectory()
        var text = "TZ=UTC\n"
        if tokenFile {
            let tokenPath = directory.appendingPathComponent("token").path
            try (Self.token + "\n").write(toFile: tokenPath, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: tokenPath)  // a secret
            text += "HTTP_TOKEN_FILE=token\n"
        }
        text += config + "\n"
        try text.write(to: directory.appendingPathComponent("jobs.conf"), atomically: true, encoding: .utf8)
        if seedRows > 0 {
            let seeded = try DevBinary.run([
                "_history-seed", "--state-db", directory.appendingPathComponent("jobctl.db").path, "--rows",
                String(seedRows),
            ])
            guard seeded.status == 0 else { throw HTTPTestError("seeding failed: \(seeded.stderr)") }
        }
        daemon = try Daemon(
            ["run", "--config", "jobs.conf", "--http", "127.0.0.1:0", "--grace", "2"] + extraArguments,
            directory: directory, environment: environment)
        let end = Date().addingTimeInterval(30)
        while Date() < end, daemon.process.isRunning {
            let output = self.output
            if let range = output.range(of: #"HTTP listening on 127\.0\.0\.1:\d+"#, options: .regularExpression),
                output.contains("Scheduler started")
            {
                port = Int(output[range].split(separator: ":").last!)!
                return
            }
            usleep(20_000)
        }
        stop()
        throw HTTPTestError("jobctl run --http did not start:\n\(output)")
    }

    var output: String { daemon.output }

    func get(_ path: String) throws -> HTTPReply { try RawHTTP.get(port: port, path) }

    /// A GET with the bearer token: the reads then include output tails and errors.
    func getWithToken(_ path: String, token: String = HTTPDaemon.token) throws -> HTTPReply {
        try RawHTTP.request(port: port, "GET", path, headers: ["Authorization": "Bearer \(token)"])
    }

    func trigger(_ job: String, token: String? = HTTPDaemon.token) throws -> HTTPReply {
        try RawHTTP.request(
            port: port, "POST", "/api/v1/jobs/trigger/\(job)",
            headers: token.map { ["Authorization": "Bearer \($0)"] } ?? [:])
    }

    /// The status `data` object (`withToken`: as a reader with the bearer token sees it).
    func status(withToken: Bool = false) throws -> [String: Any] {
        let reply = try withToken ? getWithToken("/api/v1/jobs/status") : get("/api/v1/jobs/status")
        guard reply.status == 200, let data = try reply.object()["data"] as? [String: Any] else {
            throw HTTPTestError("status: \(reply.status) \(reply.text)")
        }
        return data
    }

    /// Polls the status until `condition` holds (up to `timeout` seconds).
    func waitForStatus(
        timeout: TimeInterval = 20, withToken: Bool = false, _ condition: ([String: Any]) -> Bool
    ) throws -> [String: Any] {
        let end = Date().addingTimeInterval(timeout)
        var last: [String: Any] = [:]
        while Date() < end {
            last = try status(withToken: withToken)
            if condition(last) { return last }
            usleep(100_000)
        }
        throw HTTPTestError("status condition not met; last status: \(last)")
    }

    /// SIGTERM, then waits for the exit; returns the exit status (nil if it had to be killed).
    @discardableResult
    func stop(timeout: TimeInterval = 20) -> Int32? { daemon.stop(timeout: timeout) }
}

/// The job entry of a status `data` object.
func statusJob(_ status: [String: Any], _ name: String) -> [String: Any]? {
    (status["jobs"] as? [[String: Any]])?.first { $0["name"] as? String == name }
}

func lastRunStatus(_ status: [String: Any], _ name: String) -> String? {
    (statusJob(status, name)?["lastRun"] as? [String: Any])?["status"] as? String
}
