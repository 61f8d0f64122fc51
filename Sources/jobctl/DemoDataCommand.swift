import ArgumentParser
import Foundation
import JobctlArcade

/// `jobctl demo-data`: a realistic, deterministic arcade database.
struct DemoDataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-data",
        abstract: "Create an arcade database (APP_DB) full of realistic, deterministic demo data.")

    @Option(
        name: .customLong("app-db"),
        help: "The database file to create, or a postgresql:// URL (password from PGPASSWORD or a passfile).")
    var appDB: String

    @Option(help: "Days of recent play before now.")
    var days: Int = 30

    @Option(help: "Number of game sessions.")
    var sessions: Int = 50_000

    @Option(help: "Seed of the generator: the same seed gives the same data.")
    var seed: UInt64 = 1

    @Option(help: "Zone of the period dates.")
    var tz: String = "UTC"

    @Flag(help: "Replace an existing non-empty database.")
    var force = false

    @Flag(help: "Print the time of each phase on stderr.")
    var verbose = false

    func validate() throws {
        guard days >= 1 && days <= 3650 else { throw ValidationError("--days must be 1-3650") }
        guard sessions >= 0 && sessions <= 50_000_000 else { throw ValidationError("--sessions must be 0-50000000") }
        guard TimeZone(identifier: tz) != nil else { throw ValidationError("unknown time zone '\(tz)'") }
    }

    func run() throws {
        let zone = TimeZone(identifier: tz) ?? .gmt
        let started = Date()
        do {
            let options = DemoDataOptions(days: days, sessions: sessions, seed: seed, timeZone: zone, force: force)
            let progress: (String) -> Void = { phase in
                guard verbose else { return }
                let ms = Int(Date().timeIntervalSince(started) * 1000)
                FileHandle.standardError.write(Data("demo-data: \(phase) done at \(ms) ms\n".utf8))
            }
            // A PostgreSQL URL gets the same rows (ArcadePostgresDatabase, DemoData+Postgres).
            let summary =
                ArcadePostgresDatabase.isURL(appDB)
                ? try DemoData.create(url: appDB, now: started, options: options, progress: progress)
                : try DemoData.create(path: appDB, now: started, options: options, progress: progress)
            let seconds = Date().timeIntervalSince(started)
            print(
                """
                created \(appDB) in \(String(format: "%.1f", seconds)) s: \(summary.sessions) sessions \
                (\(summary.completedSessions) completed, \(summary.expiredActiveSessions) expired active), \
                \(summary.players) players, \(summary.leaderboardEntries) leaderboard entries \
                (\(summary.orphanedEntries) orphaned), \(summary.activePools) active pools, \
                \(summary.finalizedPools) finalized pools, \(summary.payouts) payouts
                """)
        } catch {
            FileHandle.standardError.write(Data("jobctl: error: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
