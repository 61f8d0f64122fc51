import Foundation
import GRDB
import Testing

@testable import JobctlArcade
@testable import JobctlConfig
@testable import JobctlTime

/// Issue 9 items 3 and 4 (cleanup and pools' zone) and issue 15 (a missing or wrong arcade
/// database).
@Suite("arcade safety")
struct ArcadeSafetyTests {
    static let t = "2026-03-01T08:00:00.000Z"

    /// cleanup archived the entries of periods whose pool was still `active` (a short
    /// `archive_after`, or prizepool down longer than the window); prizepool then closed the
    /// pool with no winner.
    @Test func cleanupNeverArchivesTheEntriesOfAPoolNotYetFinalized() async throws {
        let f = try ArcadeFixture()
        try f.pool(date: "2026-03-01", total: 2_000_000)  // active: kept
        let odd = try f.pool(game: "pong", date: "2026-03-01", total: 5)  // another state: kept
        try f.execute("UPDATE prize_pools SET status = 'paying' WHERE id = ?", [odd])
        let done = try f.pool(game: "tetris", date: "2026-03-01", total: 5)  // finalized: archived
        try f.execute("UPDATE prize_pools SET status = 'finalized' WHERE id = ?", [done])
        for game in ["snake", "pong", "tetris", "breakout"] {  // breakout: no pool, archived
            try f.eligibleEntry(session: "\(game)-d", game: game, score: 9, date: "2026-03-01", created: Self.t)
            try f.eligibleEntry(
                session: "\(game)-w", game: game, score: 9, period: "weekly", date: "2026-02-23", created: Self.t)
        }
        try f.pool(period: "weekly", date: "2026-02-23", total: 1)  // active weekly: kept
        var job = CleanupJob(archiveAfterMilliseconds: 86_400_000, batchSize: 1)
        job.pauseBetweenBatches = .zero
        let result = try await job.run(f.context(now: "2026-03-10T00:00:00Z"))
        #expect(
            try f.strings("SELECT game_type || ' ' || period_type FROM leaderboard_entries ORDER BY 1")
                == ["pong daily", "snake daily", "snake weekly"])
        #expect(try f.int("SELECT COUNT(*) FROM leaderboard_archive") == 5)
        #expect(result.metrics[counter: "entries_archived"] == 5)
        #expect(result.metrics[counter: "entries_kept_for_open_pools"] == 3)
        #expect(
            f.logs.all.contains {
                $0.hasPrefix("warning") && $0.contains("kept 3 old entries whose pool is not finalized")
            })
        // prizepool, back, pays the kept board's winner.
        let pools = try await PrizePoolJob().run(f.context(now: "2026-03-10T00:00:00Z"))
        #expect(pools.partialFailure == nil)
        #expect(try f.int("SELECT COUNT(*) FROM prize_payouts") == 2)
    }

    /// Built-in jobs without `tz=` or `TZ=` followed the machine's zone, so on a host east of
    /// UTC pools closed up to 14 hours early. Command jobs keep the machine's zone.
    @Test func builtinJobsFollowUTCNotTheMachineZone() throws {
        let tokyo = try #require(ZoneRules(identifier: "Asia/Tokyo"))
        let reader = ConfigReader(path: "jobs.conf", machineZone: tokyo, catalog: ArcadeJobs.registry.catalog)
        let config = try reader.parse(
            """
            APP_DB=a.db
            0 0 * * * prizepool
            @daily tick command="true"
            0 * * * * leaderboard tz=Asia/Tokyo
            TZ=Europe/Paris
            0 3 * * * cleanup
            """)
        func zone(_ name: String) -> String {
            config.job(named: name).map { "\($0.zone.identifier) (\($0.zoneSource.rawValue))" } ?? "none"
        }
        #expect(["UTC (built-in default)", "GMT (built-in default)"].contains(zone("prizepool")))
        #expect(zone("tick") == "Asia/Tokyo (machine)")
        #expect(zone("leaderboard") == "Asia/Tokyo (tz=)")
        #expect(zone("cleanup") == "Europe/Paris (TZ=)")
        // The pools' "yesterday" follows: at 2026-03-01T20:00Z it is already 03-02 in Tokyo.
        let prizepool = try #require(config.job(named: "prizepool"))
        #expect(prizepool.zone.timeZone.secondsFromGMT(for: instant("2026-03-01T20:00:00Z")) == 0)
        #expect(config.appDatabaseLocation == ConfigLocation(path: "jobs.conf", line: 1, column: 8))
    }

    /// A missing APP_DB file was created empty, and the run succeeded with 0 pools.
    @Test func aMissingArcadeDatabaseIsAnErrorAndIsNeverCreated() async throws {
        let f = try ArcadeFixture()
        let path = f.directory.appendingPathComponent("typo.db").path
        var context = f.context(now: "2026-03-02T00:00:00Z")
        context.appDatabasePath = path
        for job in ArcadeJobs.registry.catalog.kinds {
            do {
                _ = try await ArcadeJobs.registry.make(job.name, options: [:])?.run(context)
                Issue.record("\(job.name) ran on a missing database")
            } catch {
                #expect("\(error)" == "arcade database \(path): \(ArcadeDatabaseError.doesNotExist)")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }

    /// An older or partial schema is named: each missing table and column, and a payout table
    /// without its UNIQUE pool (the last line of defence against a double payout).
    @Test func anOlderOrPartialSchemaIsNamedAndNeverCompleted() throws {
        let f = try ArcadeFixture()
        try f.execute(
            """
            DROP TABLE leaderboard_archive;
            DROP TABLE prize_payouts;
            CREATE TABLE prize_payouts (id INTEGER PRIMARY KEY, pool_id INTEGER NOT NULL, winner_address TEXT NOT NULL,
              amount INTEGER NOT NULL, created_at TEXT NOT NULL);
            ALTER TABLE prize_pools DROP COLUMN finalized_at;
            """)
        do {
            _ = try ArcadeDatabase(path: f.path)
            Issue.record("opened an incomplete schema")
        } catch {
            #expect(
                "\(error)" == "arcade database \(f.path): has an incomplete or older arcade schema: "
                    + "missing table leaderboard_archive; missing column prize_pools.finalized_at; prize_payouts.pool_id is not UNIQUE"
            )
        }
        #expect(try f.int("SELECT COUNT(*) FROM sqlite_master WHERE name = 'leaderboard_archive'") == 0)
    }

    /// The jobs' indexes are created on a database with the arcade schema, never elsewhere.
    @Test func indexesAreCreatedOnlyOnADatabaseWithTheArcadeSchema() throws {
        let f = try ArcadeFixture()
        try f.execute("DROP INDEX leaderboard_entries_board; DROP INDEX leaderboard_entries_session")
        _ = try ArcadeDatabase(path: f.path)
        #expect(
            try f.int("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name LIKE 'leaderboard_entries_%'")
                == 3)

        let foreign = f.directory.appendingPathComponent("foreign.db").path
        try DatabaseQueue(path: foreign).write { try $0.execute(sql: "CREATE TABLE users (id INTEGER)") }
        let before = try Data(contentsOf: URL(fileURLWithPath: foreign))
        #expect(throws: ArcadeDatabaseError.self) { _ = try ArcadeDatabase(path: foreign) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: foreign)) == before)
    }

    /// `jobctl arcade init`: creates the schema in a new or empty database, leaves a complete
    /// one alone, refuses one with other tables or part of the schema.
    @Test func arcadeInitCreatesTheSchemaOnlyInANewOrEmptyDatabase() throws {
        let f = try ArcadeFixture()
        #expect(try ArcadeDatabase.initialize(path: f.path) == false)
        let fresh = f.directory.appendingPathComponent("fresh.db").path
        #expect(try ArcadeDatabase.initialize(path: fresh) == true)
        #expect(try ArcadeSchema.check(path: fresh).isComplete)
        #expect(try ArcadeSchema.check(path: fresh).missingIndexes.isEmpty)
        let empty = f.directory.appendingPathComponent("empty.db").path
        FileManager.default.createFile(atPath: empty, contents: Data())
        #expect(try ArcadeDatabase.initialize(path: empty) == true)

        let foreign = f.directory.appendingPathComponent("foreign.db").path
        try DatabaseQueue(path: foreign).write { try $0.execute(sql: "CREATE TABLE users (id INTEGER)") }
        #expect(throws: ArcadeDatabaseError.self) { _ = try ArcadeDatabase.initialize(path: foreign) }
        #expect(try ArcadeSchema.check(path: foreign).missingTables.count == 5)
        try f.execute("DROP TABLE leaderboard_archive")
        #expect(throws: ArcadeDatabaseError.self) { _ = try ArcadeDatabase.initialize(path: f.path) }
        #expect(try f.int("SELECT COUNT(*) FROM sqlite_master WHERE name = 'leaderboard_archive'") == 0)
        let nowhere = f.directory.appendingPathComponent("no/such/dir.db").path
        #expect(throws: ArcadeDatabaseError.self) { _ = try ArcadeDatabase.initialize(path: nowhere) }
    }

    /// The no-create open goes through a `file:` URI: a path with URI characters still names
    /// the same file (and a missing one is still not created).
    @Test func pathsWithURICharactersOpenTheSameFile() throws {
        let f = try ArcadeFixture()
        let directory = f.directory.appendingPathComponent("a b?c#d%20e")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("arcade é.db").path
        #expect(try ArcadeDatabase.initialize(path: path))
        // Debian's SQLite takes URIs, so the read-write connection is opened with mode=rw.
        #expect(ArcadeDatabase.openingName(path).hasSuffix("?mode=rw"))
        let database = try ArcadeDatabase(path: path)
        try database.writeImmediate { db in
            try db.execute(
                sql:
                    "INSERT INTO prize_pools (game_type, period_type, period_date, total_amount, status) VALUES ('snake', 'daily', '2026-03-01', 1, 'active')"
            )
        }
        let queue = try DatabaseQueue(path: path)
        #expect(try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM prize_pools") } == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted().first == "arcade é.db")
        #expect(throws: ArcadeDatabaseError.self) {
            _ = try ArcadeDatabase(path: directory.appendingPathComponent("x.db").path)
        }
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("x.db").path))
    }

    /// `arcade init` and the checks agree with docs/arcade.md's schema, column for column.
    @Test func theCheckedColumnsAreTheSchemasColumns() throws {
        let queue = try DatabaseQueue()
        let columns = try queue.write { db -> [String: [String]] in
            try ArcadeSchema.createTables(db)
            var result: [String: [String]] = [:]
            for (table, _) in ArcadeSchema.columns {
                result[table] = try String.fetchAll(
                    db, sql: "SELECT name FROM pragma_table_info(?)", arguments: [table])
            }
            return result
        }
        for (table, expected) in ArcadeSchema.columns { #expect(columns[table] == expected, "\(table)") }
    }

    @Test(arguments: [
        ("2026-03-01", true), ("2024-02-29", true), ("2026-02-29", false), ("2026-3-1", false), ("2026-03-01 ", false),
        ("yesterday", false), ("2026-13-01", false), ("2026-00-10", false),
    ])
    func dateStrings(text: String, valid: Bool) {
        #expect(ArcadeTime.isDateString(text) == valid)
    }

    @Test func storedValuesAreDescribedOnOneSafeLine() {
        #expect(DatabaseValue(value: "a\u{1B}[2Jb\r")?.storedDescription == "TEXT 'a\\u{1B}[2Jb\\u{D}'")
        #expect(String(repeating: "x", count: 50).escapedForMessage(limit: 40).count == 41)
        #expect(DatabaseValue.null.storedDescription == "NULL")
    }
}
