import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The status page acts (issue 12), in real headless Chromium clicked with real mouse events:
/// press pause, see the badge; trigger, see the run appear; open a run, see its output.
@Suite(.serialized) struct StatusPageActionsBrowserTests {
    static let jobs = """
        0 0 1 1 *  payout  command="echo paid out 42 USDC; echo '<b id=injected>not bold</b>'"
        0 0 1 1 *  broken  command="echo boom >&2; exit 3"
        """

    /// Two failed runs of `broken`, for its failing-streak badge.
    static func failTwice(_ daemon: HTTPDaemon) throws {
        for _ in 0..<2 {
            let reply = try daemon.trigger("broken")
            let id = try #require((try reply.object()["data"] as? [String: Any])?["runId"] as? Int)
            _ = try daemon.waitForStatus {
                (statusJob($0, "broken")?["lastRun"] as? [String: Any])?["id"] as? Int == id
                    && lastRunStatus($0, "broken") == "failed" && statusJob($0, "broken")?["running"] as? Bool == false
            }
        }
    }

    @Test(
        .enabled(
            if: Chromium.executable != nil,
            "chromium is not installed and could not be installed (see StatusPageBrowserTests)"))
    func pressPauseSeeTheBadgeTriggerSeeTheRunOpenItSeeItsOutput() throws {
        let chromium = try #require(Chromium.executable)
        let daemon = try HTTPDaemon(config: Self.jobs)
        defer { daemon.stop() }
        try Self.failTwice(daemon)
        let browser = try BrowserSession(chromium: chromium, directory: daemon.directory)
        defer { browser.quit() }
        try browser.navigate("http://127.0.0.1:\(daemon.port)/")
        try browser.waitUntil(#"document.querySelector('[data-job="payout"] [data-action="pause"]') !== null"#)
        // The failing streak, read anonymously.
        try browser.waitUntil(#"document.querySelector('[data-job="broken"] [data-badge="streak"]') !== null"#)
        #expect(
            try browser.evaluate(#"document.querySelector('[data-job="broken"] [data-badge="streak"]').textContent"#)
                as? String == "failing ×2")

        // Pause: the token is asked for once, then the note.
        try browser.click(#"[data-job="payout"] [data-action="pause"]"#)
        try browser.click("#token-input")
        try browser.type(HTTPDaemon.token)
        try browser.click("#token-save")
        try browser.click("#note-input")
        try browser.type("audit of pool 7")
        try browser.click("#pause-confirm")
        try browser.waitUntil(#"document.querySelector('[data-job="payout"] [data-badge="paused"]') !== null"#)
        let note = try browser.evaluate(#"document.querySelector('[data-pause-note="payout"]').textContent"#) as? String
        #expect(
            note?.hasPrefix("Paused by http · ") == true && note?.contains("— audit of pool 7.") == true,
            "\(note ?? "")")
        #expect(try Self.pausedNote(daemon) == "audit of pool 7")
        // Kept in this tab's session storage, never in a cookie or the URL.
        #expect(try browser.evaluate("sessionStorage.getItem('jobctl.token')") as? String == HTTPDaemon.token)
        #expect(try browser.evaluate("document.cookie") as? String == "")
        #expect(try browser.evaluate("location.href") as? String == "http://127.0.0.1:\(daemon.port)/")

        // Trigger (no second token prompt): the run appears in the recent runs.
        try browser.click(#"[data-job="payout"] [data-action="trigger"]"#)
        try browser.waitUntil("document.getElementById('flash').textContent.startsWith('Run #')")
        let flash = try browser.evaluate("document.getElementById('flash').textContent") as? String ?? ""
        #expect(flash.contains("of payout started. Warning: job 'payout' is paused"), "\(flash)")
        let runID = try #require(flash.dropFirst("Run #".count).split(separator: " ").first.map(String.init))
        try browser.waitUntil(#"document.querySelector('tr.run.succeeded[data-run="\#(runID)"]') !== null"#)
        let shot = daemon.directory.appendingPathComponent("status-page-acting.png")
        try browser.screenshot().write(to: shot)

        // Open the run: its output as text, never as HTML.
        try browser.click(#"tr[data-run="\#(runID)"]"#)
        try browser.waitUntil("document.getElementById('dialog').dataset.run === '\(runID)'")
        #expect(
            try browser.evaluate("document.getElementById('run-output').textContent") as? String
                == "paid out 42 USDC\n<b id=injected>not bold</b>\n")
        #expect(try browser.evaluate("document.getElementById('injected') === null") as? Bool == true)
        #expect(
            try browser.evaluate("document.querySelector('[data-field=\"Status\"]').textContent") as? String
                == "succeeded")
        let detail = daemon.directory.appendingPathComponent("status-page-run-detail.png")
        try browser.screenshot().write(to: detail)
        try browser.click("#run-close")

        // Resume: the badge goes.
        try browser.click(#"[data-job="payout"] [data-action="resume"]"#)
        try browser.waitUntil(#"document.querySelector('[data-job="payout"] [data-badge="paused"]') === null"#)
        #expect(try Self.pausedNote(daemon) == nil)
        for file in [shot, detail] {
            let png = try Data(contentsOf: file)
            #expect(png.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]) && png.count > 20_000)
            FileHandle.standardError.write(Data("status page screenshot: \(file.path)\n".utf8))
        }
    }

    @Test(
        .enabled(
            if: Chromium.executable != nil,
            "chromium is not installed and could not be installed (see StatusPageBrowserTests)"))
    func aWrongTokenIsForgottenAndThePageKeepsReadingAnonymously() throws {
        let chromium = try #require(Chromium.executable)
        let daemon = try HTTPDaemon(config: Self.jobs)
        defer { daemon.stop() }
        let browser = try BrowserSession(chromium: chromium, directory: daemon.directory)
        defer { browser.quit() }
        try browser.navigate("http://127.0.0.1:\(daemon.port)/")
        try browser.click(#"[data-job="payout"] [data-action="pause"]"#)
        try browser.click("#token-input")
        try browser.type("wrong-token-0123456789")
        try browser.click("#token-save")
        try browser.click("#pause-confirm")
        try browser.waitUntil("document.getElementById('flash').textContent.includes('refused')")
        #expect(try browser.evaluate("sessionStorage.getItem('jobctl.token')") is NSNull)
        #expect(try Self.pausedNote(daemon) == nil)
        #expect(statusJob(try daemon.status(), "payout")?["paused"] is NSNull)
        // Still live, anonymously.
        try browser.waitUntil("document.getElementById('conntext').textContent.includes('output and errors hidden')")
    }

    /// The note of payout's pause, as the status API says (nil when not paused).
    static func pausedNote(_ daemon: HTTPDaemon) throws -> String? {
        (statusJob(try daemon.status(), "payout")?["paused"] as? [String: Any])?["note"] as? String
    }
}
