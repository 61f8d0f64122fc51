import Foundation
import GRDB
import Testing

@testable import JobctlStore
@testable import JobctlTime

/// The random changes of `SummaryPropertyTests`: through the store when there is one (begin,
/// finish, skip, recovery, pruning), and with plain SQL.
extension SummaryPropertyTests {
    static let finalStatuses: [ExecutionStatus] = [.succeeded, .failed, .partial, .timedOut, .skipped, .interrupted]

    static func randomStep(_ world: inout World) throws {
        let roll = Int.random(in: 0..<100, using: &world.rng)
        let job = jobs.randomElement(using: &world.rng) ?? "alpha"
        let touched: [Int64]
        if let store = world.store, roll < 40 {
            touched = try storeStep(&world, store: store, roll: roll, job: job)
        } else {
            touched = try sqlStep(&world, roll: roll, job: job)
        }
        try world.reader.read { try world.model.sync($0, touched: touched) }
    }

    /// Returns the ids of the rows it inserted or changed.
    static func storeStep(_ world: inout World, store: HistoryStore, roll: Int, job: String) throws -> [Int64] {
        let started = HistoryTime.date(milliseconds: world.startedMs())
        world.fire += 1
        let fire = started.addingTimeInterval(-Double(Int.random(in: 0...3000, using: &world.rng)) / 1000)
        let trigger: TriggerKind = Bool.random(using: &world.rng) ? .schedule : .manual
        let start = ExecutionStart(
            job: job, scheduledFor: trigger == .schedule ? Instant(date: fire) : nil, startedAt: started,
            attempt: Int(world.fire), triggeredBy: trigger, user: nil, host: "h", pid: 1)
        switch roll {
        case 0..<14:
            return try store.begin(start).map { [$0] } ?? []
        case 14..<26:
            let running = world.model.present.values.filter { $0.status == .running }.sorted { $0.id < $1.id }
            guard let row = running.randomElement(using: &world.rng) else { return [] }
            let status = finalStatuses.randomElement(using: &world.rng) ?? .failed
            let end = HistoryTime.date(milliseconds: row.startedMs + Int64.random(in: -50...90_000, using: &world.rng))
            try store.finish(id: row.id, status: status, finishedAt: end, metrics: nil, error: nil, output: nil)
            return [row.id]
        case 26..<30:
            return try store.recordSkipped(start, reason: "lock held").map { [$0] } ?? []
        case 30..<34:
            let free = Set(jobs.filter { _ in Bool.random(using: &world.rng) })
            _ = try store.recoverInterrupted(now: HistoryTime.date(milliseconds: base + 12 * day)) { free.contains($0) }
            return world.model.present.values.filter { $0.status == .running }.map(\.id)
        default:
            let cutoffMs = base + Int64.random(in: (-2 * day)...(4 * day), using: &world.rng)
            let cutoff = HistoryTime.date(milliseconds: cutoffMs)
            _ = try store.prune(finishedBefore: cutoff, batchSize: Int.random(in: 1...5, using: &world.rng))
            return []
        }
    }

    static func sqlStep(_ world: inout World, roll: Int, job: String) throws -> [Int64] {
        let present = world.model.present.values.sorted { $0.id < $1.id }
        switch roll {
        case 40..<66, 95..<100:
            // Any shape of row; from 95 on, a success that started before rows already there.
            let statuses: [ExecutionStatus] = roll >= 95 ? [.succeeded] : [.running, .running] + finalStatuses
            let status = statuses.randomElement(using: &world.rng) ?? .running
            let started = world.startedMs()
            let duration = status == .running ? nil : world.duration()
            let lateness: Int64? =
                Bool.random(using: &world.rng) ? Int64.random(in: -100...5000, using: &world.rng) : nil
            let finished = status == .running ? nil : started + (duration ?? 0)
            return try world.queue.write { db in
                try db.cachedStatement(
                    sql: """
                        INSERT INTO job_executions (job, status, started_at, finished_at, duration_ms, lateness_ms,
                            triggered_by, host, pid) VALUES (?, ?, ?, ?, ?, ?, 'manual', 'sql', 2)
                        """
                ).execute(
                    arguments: [job, status.rawValue, started, finished, duration, lateness])
                return [db.lastInsertedRowID]
            }
        case 66..<80:
            let running = present.filter { $0.status == .running }
            guard let row = running.randomElement(using: &world.rng) else { return [] }
            let status = finalStatuses.randomElement(using: &world.rng) ?? .failed
            let duration = status == .interrupted ? nil : world.duration()
            try world.queue.write { db in
                try db.cachedStatement(
                    sql: "UPDATE job_executions SET status = ?, finished_at = ?, duration_ms = ? WHERE id = ?"
                ).execute(
                    arguments: [status.rawValue, row.startedMs + (duration ?? 0), duration, row.id])
            }
            return [row.id]
        case 80..<90:
            guard let row = present.randomElement(using: &world.rng) else { return [] }
            try world.queue.write {
                try $0.cachedStatement(sql: "DELETE FROM job_executions WHERE id = ?").execute(arguments: [row.id])
            }
            return []
        default:
            return try refusedRewrite(&world, present: present)
        }
    }

    /// A rewrite the summaries could not follow is refused, and leaves everything as it was;
    /// the error and output of any row may still change.
    static func refusedRewrite(_ world: inout World, present: [ModelRow]) throws -> [Int64] {
        guard let row = present.randomElement(using: &world.rng) else { return [] }
        let rewrite =
            row.status == .running
            ? [
                "UPDATE job_executions SET started_at = started_at + 1 WHERE id = ?",
                "UPDATE job_executions SET duration_ms = 5 WHERE id = ?",
            ].randomElement(using: &world.rng) ?? ""
            : "UPDATE job_executions SET status = CASE status WHEN 'failed' THEN 'succeeded' ELSE 'failed' END "
                + "WHERE id = ?"
        let refused = try world.reader.read {
            try Bool.fetchOne($0, sql: "SELECT COUNT(*) > 0 FROM sqlite_master WHERE name = 'job_summary'") ?? false
        }
        do {
            try world.queue.write { try $0.cachedStatement(sql: rewrite).execute(arguments: [row.id]) }
            #expect(!refused, "a rewrite of row \(row.id) was not refused")
        } catch let error as DatabaseError {
            #expect(error.resultCode == .SQLITE_CONSTRAINT && error.message?.contains("cannot change") == true)
        }
        try world.queue.write {
            try $0.cachedStatement(sql: "UPDATE job_executions SET output = 'x' WHERE id = ?")
                .execute(arguments: [row.id])
        }
        return [row.id]
    }
}
