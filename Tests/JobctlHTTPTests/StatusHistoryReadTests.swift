import Foundation
import GRDB
import Synchronization
import Testing

@testable import JobctlHTTP
@testable import JobctlStore
@testable import JobctlTime

/// Issue 10: the status answer read the summaries, then the alert figures in a second read:
/// two states of the database, and more reads than needed. Its history part is now one read
/// transaction with a fixed number of statements, whatever the number of jobs.
@Suite struct StatusHistoryReadTests {
    /// Statements the history part of the status runs on a history of `jobs` jobs.
    static func statements(jobs: Int) throws -> (sql: [String], part: StatusCache.HistoryPart) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("jobctl-status-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try HistoryStore(path: directory.appendingPathComponent("jobctl.db").path)
        let start = Date(timeIntervalSince1970: 1_772_942_400)
        for index in 0..<jobs {
            let fire = start.addingTimeInterval(Double(index) * 60)
            let begun = ExecutionStart(
                job: "job\(index)", scheduledFor: Instant(date: fire), startedAt: fire, attempt: 1,
                triggeredBy: .schedule, user: nil, host: "host", pid: 1)
            let id = try #require(try store.begin(begun))
            if index > 0 {
                try store.finish(
                    id: id, status: .succeeded, finishedAt: fire.addingTimeInterval(1), metrics: nil, error: nil,
                    output: nil)
            }
        }
        let sql = Mutex<[String]>([])
        try store.dbQueue.inDatabase { db in db.trace { event in sql.withLock { $0.append("\(event)") } } }
        let part = try StatusCache.HistoryPart.read(store, recent: 20, previous: nil)
        return (sql.withLock { $0 }, part)
    }

    @Test func theStatusReadsItsHistoryInOneReadWhateverTheNumberOfJobs() throws {
        let one = try Self.statements(jobs: 1)
        let many = try Self.statements(jobs: 40)
        #expect(one.sql.count == many.sql.count, "1 job: \(one.sql), 40 jobs: \(many.sql)")
        #expect(many.sql.count <= 12, "\(many.sql)")
        // One read transaction: one BEGIN (the second read of the alert figures made two).
        #expect(many.sql.filter { $0.hasPrefix("BEGIN") }.count == 1, "\(many.sql)")
        // The alert figures come from the same read: job0 is still running.
        #expect(one.part.figures.runningSince["job0"] != nil)
        #expect(many.part.figures.runningSince.count == 1)
        #expect(many.part.lastRuns.count == 40)
    }
}
