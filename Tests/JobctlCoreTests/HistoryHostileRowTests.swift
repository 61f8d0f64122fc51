import Foundation
import GRDB
import Testing

@testable import JobctlStore

/// The state database takes rows from any writer (the summaries count plain SQL inserts), so a
/// row of the wrong type must fail the read that meets it, never trap the process.
@Suite struct HistoryHostileRowTests {
    @Test func aPidBeyondInt64FailsTheReadInsteadOfTrapping() throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let path = dir.file("state.db")
        let store = try HistoryStore(path: path)
        try store.recordRun("backup", fire: 0, duration: 1, status: .succeeded)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "UPDATE job_executions SET pid = 1e300")
        }
        #expect(throws: (any Error).self) { try store.executions(HistoryFilter(limit: 10, job: nil)) }
    }
}
