import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Debian's chromium, found on PATH or installed on first use (`apt-get install -y chromium`,
/// non-interactive, only when missing and only as root or with password-less sudo). `make test`
/// installs it beforehand (`make browser-deps`); this is for `swift test` on its own.
enum Chromium {
    static let names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]

    static func find() -> String? {
        if let explicit = ProcessInfo.processInfo.environment["CHROMIUM"],
            FileManager.default.isExecutableFile(atPath: explicit)
        {
            return explicit
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in names {
            for dir in path.split(separator: ":") {
                let candidate = "\(dir)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }

    /// The executable, installing it when missing; nil (with the reason on stderr) when that
    /// is not possible.
    static let executable: String? = {
        if let found = find() { return found }
        guard ProcessInfo.processInfo.environment["JOBCTL_NO_BROWSER_INSTALL"] == nil else { return nil }
        let prefix = getuid() == 0 ? "" : "sudo -n "
        let script =
            "command -v apt-get >/dev/null && \(prefix)env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium"
        let result = try? Binary.shell(script, timeout: 600)
        if result?.status != 0 {
            FileHandle.standardError.write(
                Data("browser test: cannot install chromium: \(result?.output.suffix(400) ?? "no shell")\n".utf8))
        }
        return find()
    }()
}

extension Binary {
    struct ShellResult {
        var status: Int32
        var output: String
    }

    /// Runs `/bin/sh -c script`, output (stdout and stderr) to a file, killed after `timeout`.
    static func shell(_ script: String, arguments: [String] = [], timeout: TimeInterval) throws -> ShellResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script, "sh"] + arguments
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("jobctl-sh-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: out) }
        let handle = try FileHandle(forWritingTo: out)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let end = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < end { usleep(50_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? handle.close()
        return ShellResult(
            status: process.isRunning ? -1 : process.terminationStatus,
            output: (try? String(contentsOf: out, encoding: .utf8)) ?? "")
    }
}

@Suite struct StatusPageBrowserTests {
    @Test(
        .enabled(
            if: Chromium.executable != nil,
            "chromium is not installed and could not be installed (apt-get install -y chromium needs root or password-less sudo and the Debian mirror); run `make browser-deps` or set CHROMIUM=/path/to/chromium"
        ))
    func statusPageShowsTheJobsAndAFinishedRunInARealBrowser() throws {
        let chromium = try #require(Chromium.executable)
        let daemon = try HTTPDaemon(
            config: """
                @reboot      hello    command="echo hello from the page test"
                @reboot      broken   command="echo boom >&2; exit 3"
                0 0 1 1 *    payouts  command="true" tz=America/New_York
                """)
        defer { daemon.stop() }
        _ = try daemon.waitForStatus {
            lastRunStatus($0, "hello") == "succeeded" && lastRunStatus($0, "broken") == "failed"
        }
        let url = "http://127.0.0.1:\(daemon.port)/"
        let profile = daemon.directory.appendingPathComponent("chromium-profile").path
        let screenshot = daemon.directory.appendingPathComponent("status-page.png").path
        let common = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--user-data-dir=\(profile)", "--window-size=1200,900", "--virtual-time-budget=5000",
        ]
        let quoted = (common + ["--dump-dom", url]).map { "'\($0)'" }.joined(separator: " ")
        let dom = try Binary.shell("'\(chromium)' \(quoted) 2>/dev/null", timeout: 120)
        #expect(dom.status == 0, "chromium --dump-dom failed: \(dom.output.suffix(500))")
        let html = dom.output
        for name in ["hello", "broken", "payouts"] {
            #expect(html.contains(#"data-job="\#(name)""#), "job \(name) missing from the DOM")
        }
        // A finished run as a coloured row, and the failed one.
        #expect(html.contains(#"<tr class="run succeeded""#))
        #expect(html.contains(#"<tr class="run failed""#))
        // The page reads anonymously: no output tail reaches it, and it says why.
        #expect(!html.contains("hello from the page test"))
        #expect(html.contains("output and errors hidden"))
        #expect(html.contains("live · updated"), "the page did not load the status API")
        #expect(html.contains(#"class="countdown""#))  // payouts has a next fire
        #expect(html.contains("<rect"))  // the duration charts have bars

        let shot = try Binary.shell(
            "'\(chromium)' \((common + ["--screenshot=\(screenshot)", url]).map { "'\($0)'" }.joined(separator: " "))",
            timeout: 120)
        #expect(shot.status == 0, "chromium --screenshot failed: \(shot.output.suffix(500))")
        let png = try #require(FileManager.default.contents(atPath: screenshot))
        #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        #expect(png.count > 20_000, "the screenshot looks empty (\(png.count) bytes)")
        FileHandle.standardError.write(Data("status page screenshot: \(screenshot)\n".utf8))
    }
}
