import Foundation
import Testing

@testable import JobctlArcade
@testable import JobctlConfig
@testable import JobctlReports
@testable import JobctlRunning
@testable import JobctlScheduling
@testable import JobctlStore
@testable import JobctlTime

/// Output capture of command jobs (issue 9, items 12 and 13) at the library level; the real
/// binary is exercised in `Tests/jobctlTests/ProcessHardeningTests.swift`.
@Suite struct OutputCaptureTests {
    /// Feeds `bytes` to a splitter in chunks of `size` and collects the lines.
    func split(_ bytes: [UInt8], chunk size: Int) -> [String] {
        var splitter = LineSplitter()
        var lines: [String] = []
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + size)
            bytes[start..<end].withUnsafeBufferPointer { splitter.feed($0) { lines.append($0) } }
            start = end
        }
        splitter.finish { lines.append($0) }
        return lines
    }

    @Test(arguments: [1, 2, 3, 7, 8192])
    func linesSplitTheSameWhateverTheChunkBoundaries(_ size: Int) {
        let text = "first\n\nthird line\r\nno newline at the end"
        #expect(split(Array(text.utf8), chunk: size) == ["first", "", "third line\r", "no newline at the end"])
    }

    @Test func aLineLongerThanTheLimitIsHandedOverInPieces() {
        let long = [UInt8](repeating: UInt8(ascii: "x"), count: LineSplitter.maxLine * 3) + [10]
        let lines = split(long, chunk: 8192)
        #expect(lines.count > 1)
        #expect(lines.joined().count == LineSplitter.maxLine * 3)
        #expect(lines.allSatisfy { $0.utf8.count <= LineSplitter.maxLine + 8192 })
    }

    /// Round 1 removed each line from the front of its buffer: 1 MB of newlines cost 10–14 s of
    /// CPU. They must split in linear time (the bound is a hang guard only).
    @Test func splittingNewlinesIsLinearNotQuadratic() {
        let bytes = [UInt8](repeating: 10, count: 1_000_000) + Array("final".utf8)
        let started = ContinuousClock.now
        var splitter = LineSplitter()
        var count = 0
        var last = ""
        bytes.withUnsafeBufferPointer { all in
            var start = 0
            while start < all.count {
                let end = min(all.count, start + 65_536)
                splitter.feed(UnsafeBufferPointer(rebasing: all[start..<end])) {
                    count += 1; last = $0
                }
                start = end
            }
        }
        splitter.finish {
            count += 1; last = $0
        }
        #expect(count == 1_000_001)
        #expect(last == "final")
        #expect(ContinuousClock.now - started < .seconds(20))
    }

    @Test func theLogLineCapIsReportedWithGroupedDigits() {
        #expect(LogLineBudget.summary(dropped: 12_345).hasPrefix("… 12,345 more lines not logged"))
        #expect(LogLineBudget.summary(dropped: 999_001).hasPrefix("… 999,001 more lines"))
        #expect(LogLineBudget.summary(dropped: 1).hasPrefix("… 1 more line not logged"))
        #expect(LogLineBudget.summary(dropped: 100).hasPrefix("… 100 more lines"))
        let budget = LogLineBudget(limit: 3)
        #expect((1...10).map { _ in budget.take() } == [true, true, true] + Array(repeating: false, count: 7))
        #expect(budget.dropped == 7)
    }

    /// Readers used to get 300 ms after the shell's exit, so a burst of output lost its end.
    @Test func theLineBeforeExitReachesTheTail() async throws {
        let outcome = try await CommandProcess.run(
            "seq 1 200000; echo last-line-before-exit", environment: ["PATH": "/usr/bin:/bin"], deadline: nil,
            clock: SystemClockForTests()
        ) { _, _ in }
        #expect(outcome.ending == .exited(0))
        #expect(outcome.outputTail.hasSuffix("200000\nlast-line-before-exit\n"))
        #expect(!outcome.outputLeftOpen)
    }

    /// With SIGCHLD ignored the kernel reaps children itself and `waitpid` fails with ECHILD;
    /// round 1 then read the untouched status 0 as a success.
    @Test func aWaitpidErrorIsAFailureNeverASuccess() async {
        let notOurChild = ExitWaiter(pid: 1)
        #expect(await notOurChild.wait() == .waitFailed(ECHILD))
        guard case .unknown(let reason) = CommandProcess.ending(.waitFailed(ECHILD)) else {
            Issue.record("a failed waitpid must not map to an exit status")
            return
        }
        #expect(reason.contains("cannot wait for /bin/sh"))
    }

    /// The background child sleeps far longer than any test run: on a loaded 2-core machine the
    /// in-process wait was once starved past a 60 s sleep, which then ended by itself.
    @Test func aShellThatExitsLeavingAChildBehindHasItEnded() async throws {
        let marker = "jobctl-left-behind-\(UUID().uuidString.prefix(8))"
        let outcome = try await CommandProcess.run(
            "sh -c 'sleep 600; :' \(marker) & echo started", environment: ["PATH": "/usr/bin:/bin"], deadline: nil,
            clock: SystemClockForTests(), grace: .seconds(1)
        ) { _, _ in }
        #expect(outcome.ending == .exited(0))
        #expect(outcome.leftProcessesBehind)
        #expect(outcome.outputTail == "started\n")
        #expect(LiveProcesses.withArgument(marker).isEmpty)
    }
}

/// Control characters in log lines (issue 9, item 13).
@Suite struct TerminalSafeTextTests {
    @Test func escapeAndCarriageReturnAreEscaped() {
        #expect(TerminalSafeText.escaped("\u{1B}[31mred\r") == #"\x1b[31mred\r"#)
        #expect(TerminalSafeText.escaped("a\tb\u{7F}\u{0}") == #"a\tb\x7f\x00"#)
        #expect(TerminalSafeText.escaped("\u{9B}2J") == #"\u009b2J"#)
        #expect(TerminalSafeText.escaped("two\nlines") == #"two\nlines"#)
        #expect(TerminalSafeText.escaped("two\nlines", indentingNewlines: true) == "two\n    lines")
    }

    @Test func plainTextIsUnchanged() {
        for text in ["", "Job succeeded in 12 ms", "prize 1.5 USDC → 0xabc", "back\\slash \\x1b", "é 日本"] {
            #expect(TerminalSafeText.escaped(text) == text)
        }
    }
}

/// The real wall clock, for runs without a deadline.
struct SystemClockForTests: WallClock {
    func now() -> Date { Date() }
    func sleep(until deadline: Date) async throws {
        let seconds = deadline.timeIntervalSinceNow
        if seconds > 0 { try await Task.sleep(for: .milliseconds(Int64(seconds * 1000))) }
    }
}

/// Live (not zombie) processes found through `/proc`.
enum LiveProcesses {
    /// Pids of live processes with `marker` as one of their arguments.
    static func withArgument(_ marker: String) -> [Int32] {
        ProcessTable.pids().filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"),
                data.split(separator: 0).contains(where: { String(decoding: $0, as: UTF8.self) == marker })
            else { return false }
            return ProcessTable.isAlive(pid)
        }
    }
}
