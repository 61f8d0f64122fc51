import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Headless Chromium driven through the DevTools protocol over `--remote-debugging-pipe`
/// (commands on the browser's descriptor 3, answers on 4, one JSON message per NUL): pages are
/// loaded, clicked with real mouse events at an element's centre, typed into and read — no
/// WebSocket client, no extra package. One page per session.
final class BrowserSession {
    private let pid: pid_t
    private let commands: Int32
    private let answers: Int32
    private var buffer = Data()
    private var nextID = 0
    private var session = ""
    let profile: String

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    init(chromium: String, directory: URL) throws {
        profile = directory.appendingPathComponent("chromium-cdp-profile").path
        var toBrowser: [Int32] = [0, 0]
        var fromBrowser: [Int32] = [0, 0]
        guard pipe(&toBrowser) == 0, pipe(&fromBrowser) == 0 else { throw Failure("pipe: errno \(errno)") }
        // Not inherited by anything else this process spawns (`pipe2` is not visible to Swift here).
        for fd in toBrowser + fromBrowser { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let arguments = [
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--no-default-browser-check", "--user-data-dir=\(profile)", "--remote-debugging-pipe", "about:blank",
        ]
        let log = directory.appendingPathComponent("chromium-cdp.log").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_adddup2(&actions, toBrowser[0], 3)
        posix_spawn_file_actions_adddup2(&actions, fromBrowser[1], 4)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, chromium, &actions, nil, argv, environ)
        Glibc.close(toBrowser[0])
        Glibc.close(fromBrowser[1])
        guard spawned == 0 else {
            Glibc.close(toBrowser[1])
            Glibc.close(fromBrowser[0])
            throw Failure("posix_spawn \(chromium): \(spawned)")
        }
        pid = child
        commands = toBrowser[1]
        answers = fromBrowser[0]
        let target = try call("Target.createTarget", ["url": "about:blank"])
        guard let targetID = target["targetId"] as? String else { throw Failure("no target: \(target)") }
        let attached = try call("Target.attachToTarget", ["targetId": targetID, "flatten": true])
        guard let id = attached["sessionId"] as? String else { throw Failure("no session: \(attached)") }
        session = id
        // A page of a headless browser is never "focused" unless emulated: inputs take focus.
        try call("Emulation.setFocusEmulationEnabled", ["enabled": true], inPage: true)
        _ = try call(
            "Emulation.setDeviceMetricsOverride",
            ["width": 1280, "height": 1000, "deviceScaleFactor": 1, "mobile": false], inPage: true)
    }

    deinit { quit() }

    private var quitted = false

    /// Asks the browser to close (its helper processes go with it), waits up to 10 s, then
    /// kills it; closes the pipes.
    func quit() {
        guard !quitted else { return }
        quitted = true
        _ = try? call("Browser.close", timeout: 5)
        var status: Int32 = 0
        let end = Date().addingTimeInterval(10)
        while waitpid(pid, &status, WNOHANG) == 0 {
            if Date() > end {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                break
            }
            usleep(50_000)
        }
        Glibc.close(commands)
        Glibc.close(answers)
    }

    /// Sends one command and waits (at most `timeout`) for its answer; events are skipped.
    @discardableResult
    func call(_ method: String, _ params: [String: Any] = [:], inPage: Bool = false, timeout: TimeInterval = 30)
        throws -> [String: Any]
    {
        nextID += 1
        var message: [String: Any] = ["id": nextID, "method": method, "params": params]
        if inPage { message["sessionId"] = session }
        var bytes = try JSONSerialization.data(withJSONObject: message)
        bytes.append(0)
        try bytes.withUnsafeBytes { raw in
            var sent = 0
            while sent < raw.count {
                let n = write(commands, raw.baseAddress! + sent, raw.count - sent)
                guard n > 0 else { throw Failure("write to chromium: errno \(errno)") }
                sent += n
            }
        }
        let end = Date().addingTimeInterval(timeout)
        while true {
            let answer = try nextMessage(until: end)
            guard answer["id"] as? Int == nextID else { continue }
            if let error = answer["error"] { throw Failure("\(method): \(error)") }
            return answer["result"] as? [String: Any] ?? [:]
        }
    }

    private func nextMessage(until end: Date) throws -> [String: Any] {
        while true {
            if let zero = buffer.firstIndex(of: 0) {
                let message = buffer[buffer.startIndex..<zero]
                buffer.removeSubrange(buffer.startIndex...zero)
                if let object = try? JSONSerialization.jsonObject(with: message) as? [String: Any] { return object }
                continue
            }
            let left = end.timeIntervalSinceNow
            guard left > 0 else { throw Failure("chromium did not answer in time") }
            var pollfd = pollfd(fd: answers, events: Int16(POLLIN), revents: 0)
            if poll(&pollfd, 1, Int32(min(left, 1) * 1000)) <= 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let n = read(answers, &chunk, chunk.count)
            guard n > 0 else { throw Failure("chromium closed its pipe") }
            buffer.append(contentsOf: chunk[0..<n])
        }
    }

    func navigate(_ url: String) throws { try call("Page.navigate", ["url": url], inPage: true) }

    /// The value of a JavaScript expression (promises awaited).
    func evaluate(_ expression: String) throws -> Any? {
        let result = try call(
            "Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true], inPage: true)
        if let exception = result["exceptionDetails"] { throw Failure("\(expression): \(exception)") }
        return (result["result"] as? [String: Any])?["value"]
    }

    /// Polls `expression` until it is `true` (a hang guard, not a timing claim).
    func waitUntil(_ expression: String, timeout: TimeInterval = 20) throws {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if (try? evaluate(expression)) as? Bool == true { return }
            usleep(100_000)
        }
        throw Failure("not true within \(Int(timeout)) s: \(expression)")
    }

    /// A real click: mouse pressed and released at the centre of the element `selector` names.
    func click(_ selector: String) throws {
        try waitUntil("document.querySelector(\(Self.quoted(selector))) !== null")
        let box =
            try evaluate(
                """
                (() => { const e = document.querySelector(\(Self.quoted(selector))); e.scrollIntoView({block: "center"});
                  const r = e.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()
                """) as? [Double]
        guard let box, box.count == 2 else { throw Failure("no box for \(selector)") }
        for type in ["mousePressed", "mouseReleased"] {
            try call(
                "Input.dispatchMouseEvent",
                ["type": type, "x": box[0], "y": box[1], "button": "left", "clickCount": 1], inPage: true)
        }
    }

    /// Types `text` into the focused element (as an input method would).
    func type(_ text: String) throws { try call("Input.insertText", ["text": text], inPage: true) }

    /// A PNG of the whole page.
    func screenshot() throws -> Data {
        let shot = try call("Page.captureScreenshot", ["format": "png", "captureBeyondViewport": true], inPage: true)
        guard let text = shot["data"] as? String, let data = Data(base64Encoded: text) else {
            throw Failure("no screenshot data")
        }
        return data
    }

    /// A JavaScript string literal.
    static func quoted(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text])) ?? Data("[\"\"]".utf8)
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }
}
