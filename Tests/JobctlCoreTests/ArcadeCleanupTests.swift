import Foundation
import GRDB
import Testing

@testable import JobctlArcade
@testable import JobctlTime

@Suite("cleanup")
struct ArcadeCleanupTests {
    @Test func expiredActiveSessionsAreStrictlyOlderThanTheCutoff() async throws {
        let f = try ArcadeFixture()
        // now 12:00, session_expiry 30m: cutoff 11:30:00.000.
        try f.session("old", status: "active", created: "2026-03-10T11:29:59.999Z")
        try f.session("exact", status: "active", created: "2026-03-10T11:30:00.000Z")
        try f.session("fresh", status: "active", created: "2026-03-10T11:45:00.000Z")
        try f.session("done", status: "completed", created: "2026-01-01T00:00:00.000Z")
        let result = try await CleanupJob().run(f.context(now: "2026-03-10T12:00:00Z"))
        #expect(try f.strings("SELECT id FROM game_sessions ORDER BY id") == ["done", "exact", "fresh"])
        #expect(result.metrics[counter: "sessions_deleted"] == 1)
    }

    @Test func orphansGoIncludingThoseOfJustDeletedSessions() async throws {
        let f = try ArcadeFixture()
        try f.session("abandoned", status: "active", created: "2026-03-10T08:00:00.000Z")
        try f.session("kept", created: "2026-03-10T08:00:00.000Z")
        try f.entry(session: "abandoned", score: 1, date: "2026-03-10", created: "2026-03-10T08:00:00.000Z")
        try f.entry(session: "never-existed", score: 1, date: "2026-03-10", created: "2026-03-10T08:00:00.000Z")
        try f.entry(
            session: "never-existed", score: 1, period: "alltime", date: "alltime", created: "2026-03-10T08:00:00.000Z")
        try f.entry(session: "kept", score: 1, date: "2026-03-10", created: "2026-03-10T08:00:00.000Z")
        try f.entry(session: "kept", score: 1, period: "alltime", date: "alltime", created: "2026-03-10T08:00:00.000Z")
        let result = try await CleanupJob().run(f.context(now: "2026-03-10T12:00:00Z"))
        #expect(result.metrics[counter: "sessions_deleted"] == 1)
        #expect(result.metrics[counter: "orphans_deleted"] == 3)
        #expect(try f.strings("SELECT DISTINCT session_id FROM leaderboard_entries") == ["kept"])
        #expect(try f.int("SELECT COUNT(*) FROM leaderboard_entries") == 2)
    }

    /// now 2026-06-07T00:00Z minus 90d is exactly Monday 2026-03-09 00:00: the week of 03-02
    /// and the day 03-08 ended exactly then, so they stay; one millisecond later they go.
    /// (Weekly entries are archived when their Monday is on or before the weekly bound.)
    @Test(arguments: [
        ("2026-06-07T00:00:00.000Z", "UTC", "2026-03-07", "2026-03-01"),
        ("2026-06-07T00:00:00.001Z", "UTC", "2026-03-08", "2026-03-02"),
        ("2026-06-07T04:00:00.000Z", "America/New_York", "2026-03-07", "2026-03-01"),
        ("2026-06-07T04:00:00.001Z", "America/New_York", "2026-03-08", "2026-03-02"),
    ])
    func archiveCutoffsAtTheExactBoundary(now: String, tz: String, daily: String, weekly: String) throws {
        let zone = try Zones.named(tz)
        let cut = CleanupJob().cutoffs(now: instant(now), zone: zone)
        #expect(cut.lastArchivedDaily == daily)
        #expect(cut.lastArchivedWeekly == weekly)
    }

    @Test func archiveMovesOnlyEndedDailyAndWeeklyEntriesAndKeepsThemWhole() async throws {
        let f = try ArcadeFixture()
        let t = "2026-03-01T08:00:00.000Z"
        try f.session("s", created: t)
        let archived1 = try f.entry(
            session: "s", player: ArcadeFixture.player(9), score: 77, period: "daily", date: "2026-03-07", created: t)
        let kept1 = try f.entry(session: "s", score: 1, period: "daily", date: "2026-03-08", created: t)
        let archived2 = try f.entry(session: "s", score: 1, period: "weekly", date: "2026-02-23", created: t)
        let kept2 = try f.entry(session: "s", score: 1, period: "weekly", date: "2026-03-02", created: t)
        let kept3 = try f.entry(session: "s", score: 1, period: "alltime", date: "alltime", created: t)
        let result = try await CleanupJob().run(f.context(now: "2026-06-07T00:00:00Z"))
        #expect(result.metrics[counter: "entries_archived"] == 2)
        #expect(
            try f.strings("SELECT id FROM leaderboard_entries ORDER BY id") == [kept1, kept2, kept3].map(String.init))
        #expect(
            try f.strings("SELECT id FROM leaderboard_archive ORDER BY id") == [archived1, archived2].map(String.init))
        let row = try f.queue.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM leaderboard_archive WHERE id = ?", arguments: [archived1])
        }
        #expect(row?["session_id"] == "s")
        #expect(row?["player_address"] == ArcadeFixture.player(9))
        #expect(row?["score"] == 77)
        #expect(row?["period_type"] == "daily")
        #expect(row?["period_date"] == "2026-03-07")
        #expect(row?["created_at"] == t)
        #expect(row?["archived_at"] == "2026-06-07T00:00:00.000Z")
    }

    @Test func batchesSmallerThanTheWorkAddUp() async throws {
        let f = try ArcadeFixture()
        for i in 0..<10 { try f.session("x\(i)", status: "active", created: "2026-03-10T00:00:00.000Z") }
        for i in 0..<7 {
            try f.entry(
                session: "gone\(i)", score: 1, period: "alltime", date: "alltime", created: "2026-03-10T00:00:00.000Z")
        }
        try f.session("c", created: "2026-01-01T00:00:00.000Z")
        for i in 0..<8 {
            try f.entry(
                session: "c", score: Int64(i), period: i % 2 == 0 ? "daily" : "weekly", date: "2025-11-03",
                created: "2025-11-03T00:00:00.000Z")
        }
        var job = CleanupJob(batchSize: 3)
        job.pauseBetweenBatches = .zero
        let result = try await job.run(f.context(now: "2026-03-10T12:00:00Z"))
        let m = result.metrics
        #expect(m[counter: "sessions_deleted"] == 10)
        #expect(m[counter: "orphans_deleted"] == 7)
        #expect(m[counter: "entries_archived"] == 8)
        #expect(m.processed == 25)
        // 4 + 3 + (2 + 2) transactions: each step runs until a batch comes back short.
        #expect(m[counter: "batches"] == 4 + 3 + 2 + 2)
        #expect(try f.int("SELECT COUNT(*) FROM game_sessions") == 1)
        #expect(try f.int("SELECT COUNT(*) FROM leaderboard_entries") == 0)
        #expect(try f.int("SELECT COUNT(*) FROM leaderboard_archive") == 8)
    }

    @Test func poolsPayoutsAndCompletedSessionsAreNeverTouched() async throws {
        let f = try ArcadeFixture()
        try f.session("c", status: "completed", created: "2020-01-01T00:00:00.000Z")
        let pool = try f.pool(date: "2020-01-01")
        try f.execute("UPDATE prize_pools SET status = 'finalized', winner_address = 'w' WHERE id = ?", [pool])
        try f.execute(
            "INSERT INTO prize_payouts (pool_id, winner_address, amount, created_at) VALUES (?, 'w', 5, 'x')", [pool])
        try f.pool(date: "2020-01-02")
        let before = try f.strings("SELECT quote(p.id) || quote(status) || quote(winner_address) FROM prize_pools p")
        _ = try await CleanupJob(sessionExpiryMilliseconds: 1, archiveAfterMilliseconds: 1).run(
            f.context(now: "2026-03-10T12:00:00Z"))
        #expect(
            try f.strings("SELECT quote(p.id) || quote(status) || quote(winner_address) FROM prize_pools p") == before)
        #expect(try f.int("SELECT COUNT(*) FROM prize_payouts") == 1)
        #expect(try f.int("SELECT COUNT(*) FROM game_sessions") == 1)
    }

    @Test func aCancelledRunStopsBeforeItsNextBatch() async throws {
        let f = try ArcadeFixture()
        try f.session("old", status: "active", created: "2026-03-10T00:00:00.000Z")
        let context = f.context(now: "2026-03-10T12:00:00Z")
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await CleanupJob().run(context)
        }
        await #expect(throws: CancellationError.self) { _ = try await task.value }
        #expect(try f.int("SELECT COUNT(*) FROM game_sessions") == 1)
    }

    /// The arcade keeps inserting sessions (and entries for completed ones) while cleanup runs
    /// in small batches: only the targeted rows disappear.
    @Test func cleanupWhileTheArcadeWritesRemovesOnlyTheTargetedRows() async throws {
        let f = try ArcadeFixture()
        try await f.queue.write { db in
            for i in 0..<3000 {
                try db.execute(
                    sql:
                        "INSERT INTO game_sessions VALUES (?, 'snake', 'p', 'active', 10000, NULL, '2026-03-10T08:00:00.000Z', NULL)",
                    arguments: ["exp\(i)"])
            }
            for i in 0..<2000 {
                try db.execute(
                    sql:
                        "INSERT INTO game_sessions VALUES (?, 'tetris', 'p', 'completed', 10000, 5, '2025-01-01T08:00:00.000Z', '2025-01-01T08:05:00.000Z')",
                    arguments: ["old\(i)"])
                try db.execute(
                    sql:
                        "INSERT INTO leaderboard_entries (session_id, game_type, player_address, score, period_type, period_date, created_at) VALUES (?, 'tetris', 'p', 5, 'daily', '2025-01-01', 'x')",
                    arguments: ["old\(i)"])
                try db.execute(
                    sql:
                        "INSERT INTO leaderboard_entries (session_id, game_type, player_address, score, period_type, period_date, created_at) VALUES (?, 'tetris', 'p', 5, 'alltime', 'alltime', 'x')",
                    arguments: ["old\(i)"])
            }
            for i in 0..<500 {
                try db.execute(
                    sql:
                        "INSERT INTO leaderboard_entries (session_id, game_type, player_address, score, period_type, period_date, created_at) VALUES (?, 'pong', 'p', 5, 'alltime', 'alltime', 'x')",
                    arguments: ["lost\(i)"])
            }
        }
        let stop = StopFlag()
        let path = f.path
        let insertedCounter = Counter()
        let finished = DispatchSemaphore(value: 0)
        // A real thread, like the arcade's own writer: blocking waits stay off Swift's pool.
        Thread {
            defer { finished.signal() }
            do {
                var config = Configuration()
                config.busyMode = .timeout(10)
                let queue = try DatabaseQueue(path: path, configuration: config)
                var n = 0
                while !stop.isSet {
                    try queue.write { db in
                        try db.execute(
                            sql:
                                "INSERT INTO game_sessions VALUES (?, 'pong', 'q', 'completed', 10000, 1, '2026-03-10T11:59:00.000Z', '2026-03-10T11:59:30.000Z')",
                            arguments: ["new\(n)"])
                        try db.execute(
                            sql:
                                "INSERT INTO leaderboard_entries (session_id, game_type, player_address, score, period_type, period_date, created_at) VALUES (?, 'pong', 'q', 1, 'daily', '2026-03-10', '2026-03-10T11:59:30.000Z')",
                            arguments: ["new\(n)"])
                        try db.execute(
                            sql:
                                "INSERT INTO game_sessions VALUES (?, 'pong', 'q', 'active', 10000, NULL, '2026-03-10T11:59:00.000Z', NULL)",
                            arguments: ["act\(n)"])
                    }
                    n += 1
                    insertedCounter.set(n)
                }
            } catch {
                insertedCounter.fail("\(error)")
            }
        }.start()
        try await Task.sleep(for: .milliseconds(50))
        var job = CleanupJob(batchSize: 100)
        job.pauseBetweenBatches = .milliseconds(1)
        let result = try await job.run(f.context(now: "2026-03-10T12:00:00Z"))
        stop.set()
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                finished.wait()
                continuation.resume()
            }
        }
        #expect(insertedCounter.error == nil)
        let inserted = insertedCounter.value
        #expect(inserted > 0)
        let m = result.metrics
        #expect(m[counter: "sessions_deleted"] == 3000)
        #expect(m[counter: "orphans_deleted"] == 500)
        #expect(m[counter: "entries_archived"] == 2000)
        #expect(try f.int("SELECT COUNT(*) FROM game_sessions") == 2000 + 2 * inserted)
        #expect(try f.int("SELECT COUNT(*) FROM game_sessions WHERE id LIKE 'exp%'") == 0)
        #expect(try f.int("SELECT COUNT(*) FROM game_sessions WHERE id LIKE 'new%'") == inserted)
        #expect(try f.int("SELECT COUNT(*) FROM game_sessions WHERE id LIKE 'act%'") == inserted)
        #expect(try f.int("SELECT COUNT(*) FROM leaderboard_entries WHERE session_id LIKE 'new%'") == inserted)
        #expect(try f.int("SELECT COUNT(*) FROM leaderboard_entries WHERE period_type = 'alltime'") == 2000)
        #expect(try f.int("SELECT COUNT(*) FROM leaderboard_archive") == 2000)
    }
}

final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    private var failure: String?
    var value: Int { lock.withLock { count } }
    var error: String? { lock.withLock { failure } }
    func set(_ n: Int) { lock.withLock { count = n } }
    func fail(_ message: String) { lock.withLock { failure = message } }
}
