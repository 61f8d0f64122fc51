import Foundation
import GRDB
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 15 through the real binary: a missing or wrong `APP_DB` is a loud error, and nothing
/// ever creates or writes the arcade database but `demo-data` and `arcade init`.
@Suite("arcade wrong database", .serialized)
struct ArcadeWrongDatabaseTests {
    func setUp(appDB: String, jobs: String = "0 0 * * * prizepool") throws -> (URL, URL) {
        let dir = try Binary.temporaryDirectory()
        let config = dir.appendingPathComponent("jobs.conf")
        try "STATE_DB=state/jobctl.db\nAPP_DB=\(appDB)\n\(jobs)\n".write(to: config, atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("state"), withIntermediateDirectories: true)
        return (dir, config)
    }

    static func arcadeTables(_ path: String) throws -> [String] {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try queue.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT name FROM sqlite_master WHERE name IN
                      ('game_sessions', 'leaderboard_entries', 'prize_pools', 'prize_payouts', 'leaderboard_archive')
                    """)
        }
    }

    /// A typo in APP_DB: prizepool created an empty arcade database and succeeded with 0 pools.
    @Test func anAppDBTypoFailsTheRunAndCreatesNothing() throws {
        let (dir, config) = try setUp(appDB: "demo/arcade.db")
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = dir.appendingPathComponent("demo/arcade.db").path
        let trigger = try Binary.run(["trigger", "--config", config.path, "prizepool"])
        #expect(trigger.status == 1)
        #expect(trigger.stderr.contains("arcade database \(missing): does not exist"), "\(trigger.stderr)")
        #expect(!FileManager.default.fileExists(atPath: missing))

        // The scheduler records the failure too, and creates nothing either.
        let (runDir, runConfig) = try setUp(appDB: "demo/arcade.db", jobs: "@reboot prizepool")
        defer { try? FileManager.default.removeItem(at: runDir) }
        let daemon = try Daemon(["run", "--config", runConfig.path], directory: runDir)
        let state = runDir.appendingPathComponent("state/jobctl.db").path
        var rows: [Row_] = []
        for _ in 0..<200 where !rows.contains(where: { $0.status == "failed" }) {
            usleep(100_000)
            rows = FileManager.default.fileExists(atPath: state) ? (try? historyRows(state)) ?? [] : []
        }
        daemon.stop()
        let failed = try #require(rows.first { $0.job == "prizepool" }, "\(daemon.output)")
        #expect(failed.status == "failed")
        #expect(failed.error?.contains(runDir.appendingPathComponent("demo/arcade.db").path) == true)
        #expect(!FileManager.default.fileExists(atPath: runDir.appendingPathComponent("demo").path))
    }

    /// APP_DB equal to STATE_DB: prizepool created the five arcade tables in jobctl's history.
    @Test func appDBEqualToStateDBFailsAndLeavesNoArcadeTable() throws {
        let (dir, config) = try setUp(appDB: "state/jobctl.db")
        defer { try? FileManager.default.removeItem(at: dir) }
        let trigger = try Binary.run(["trigger", "--config", config.path, "prizepool"])
        #expect(trigger.status == 1)
        #expect(trigger.stderr.contains("has no arcade schema"), "\(trigger.stderr)")
        #expect(trigger.stderr.contains("is APP_DB pointing at the wrong database?"))
        let state = dir.appendingPathComponent("state/jobctl.db").path
        #expect(try Self.arcadeTables(state) == [])
        #expect(try historyRows(state).map(\.status) == ["failed"])
    }

    /// Another application's SQLite file: it would have had tables written into it.
    @Test func aForeignSQLiteFileFailsTheJobAndKeepsItsBytes() throws {
        let (dir, config) = try setUp(
            appDB: "other.db", jobs: "0 0 * * * prizepool\n0 * * * * leaderboard\n0 3 * * * cleanup")
        defer { try? FileManager.default.removeItem(at: dir) }
        let foreign = dir.appendingPathComponent("other.db").path
        let queue = try DatabaseQueue(path: foreign)
        try queue.write { db in
            try db.execute(
                sql: "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total INTEGER); INSERT INTO invoices VALUES (1, 5)"
            )
        }
        try queue.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: foreign))
        for job in ["prizepool", "leaderboard", "cleanup"] {
            let trigger = try Binary.run(["trigger", "--config", config.path, job])
            #expect(trigger.status == 1, "\(job)")
            #expect(trigger.stderr.contains("arcade database \(foreign): has no arcade schema"), "\(trigger.stderr)")
            #expect(trigger.stderr.contains("it holds other tables (invoices)"))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: foreign)) == before)
        #expect(!FileManager.default.fileExists(atPath: foreign + "-wal"))
    }

    /// `jobctl check` says the same at the APP_DB setting, without creating anything.
    @Test func checkReportsAMissingAppDBOrSchemaAtTheSetting() throws {
        let (dir, config) = try setUp(appDB: "demo/arcade.db")
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = dir.appendingPathComponent("demo/arcade.db").path
        let check = try Binary.run(["check", "--config", config.path])
        #expect(check.status == 2)
        let headline = "\(config.path):2:8: error: APP_DB: arcade database \(missing): does not exist"
        #expect(check.stderr.contains(headline), "\(check.stderr)")
        #expect(check.stderr.contains("APP_DB=demo/arcade.db\n       ^~~~~~~~~~~~~~"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("demo").path))

        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("demo"), withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: missing, contents: Data())
        let empty = try Binary.run(["check", "--config", config.path])
        #expect(empty.status == 2)
        #expect(empty.stderr.contains("\(missing): has no arcade schema (an empty database)"), "\(empty.stderr)")
        #expect((try FileManager.default.attributesOfItem(atPath: missing)[.size] as? Int) == 0)

        let initialized = try Binary.run(["arcade", "init", "--app-db", missing])
        #expect(initialized.status == 0, "\(initialized.stderr)")
        #expect(initialized.stdout.contains("created the arcade schema in \(missing)"))
        let good = try Binary.run(["check", "--config", config.path])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.contains("UTC (built-in default)") || good.stdout.contains("GMT (built-in default)"))
        let trigger = try Binary.run(["trigger", "--config", config.path, "prizepool"])
        #expect(trigger.status == 0, "\(trigger.stderr)")
    }

    /// What `make run` does on a fresh clone: demo-data creates the arcade database, then the
    /// scheduler's first prizepool run (a catch-up of last midnight) finalizes every ended pool.
    @Test func aFreshCloneDemoIsStillFinalizedByTheFirstRun() throws {
        let dir = try Binary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("jobs.conf.example")
        try FileManager.default.copyItem(at: Binary.packageRoot.appendingPathComponent("jobs.conf.example"), to: config)
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("demo"), withIntermediateDirectories: true)
        let arcade = dir.appendingPathComponent("demo/arcade.db").path
        let created = try Binary.run(["demo-data", "--app-db", "demo/arcade.db"], currentDirectory: dir.path)
        try #require(created.status == 0, "\(created.stderr)")
        let daemon = try Daemon(["run", "--config", config.path], directory: dir)
        let state = dir.appendingPathComponent("demo/jobctl.db").path
        var rows: [Row_] = []
        for _ in 0..<300 where !rows.contains(where: { $0.job == "prizepool" && $0.status != "running" }) {
            usleep(100_000)
            rows = FileManager.default.fileExists(atPath: state) ? (try? historyRows(state)) ?? [] : []
        }
        daemon.stop()
        #expect(rows.first { $0.job == "prizepool" }?.status == "succeeded", "\(daemon.output)")
        let today = String(ISO8601DateFormatter().string(from: Date()).prefix(10))
        let queue = try ArcadeBinary.open(arcade)
        let left = try queue.read { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) FROM prize_pools WHERE status = 'active'
                      AND ((period_type = 'daily' AND period_date < ?1)
                        OR (period_type = 'weekly' AND date(period_date, '+7 days') <= ?1))
                    """, arguments: [today])
        }
        #expect(left == 0)
        #expect(try queue.read { db in try Int.fetchOne(db, sql: ArcadeBinary.wrongWinnersSQL) } == 0)
    }

    /// A config with only command jobs does not look at APP_DB.
    @Test func checkIgnoresAppDBWithoutBuiltinJobs() throws {
        let (dir, config) = try setUp(appDB: "nope.db", jobs: "@daily tick command=\"true\"")
        defer { try? FileManager.default.removeItem(at: dir) }
        let check = try Binary.run(["check", "--config", config.path])
        #expect(check.status == 0, "\(check.stderr)")
    }

    /// `arcade init` refuses another application's database and changes nothing.
    @Test func arcadeInitRefusesADatabaseWithOtherTables() throws {
        let dir = try Binary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let foreign = dir.appendingPathComponent("other.db").path
        let queue = try DatabaseQueue(path: foreign)
        try queue.write { try $0.execute(sql: "CREATE TABLE invoices (id INTEGER)") }
        try queue.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: foreign))
        let result = try Binary.run(["arcade", "init", "--app-db", foreign])
        #expect(result.status == 1)
        #expect(result.stderr.contains("holds other tables (invoices)"), "\(result.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: foreign)) == before)
    }
}
