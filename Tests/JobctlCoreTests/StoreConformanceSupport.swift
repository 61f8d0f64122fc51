import Foundation

@testable import JobctlStore
@testable import JobctlTime

/// One implementation of `StateStore` under the conformance suite: how to make a fresh, empty
/// store in a temp directory, and how to open a second connection to the same state (another
/// process or host would use one). PostgreSQL's factory is in `PostgresStoreSupport.swift`.
struct StoreFactory: Sendable, CustomStringConvertible {
    var name: String
    var make: @Sendable (_ directory: String) throws -> any StateStore
    var connect: @Sendable (_ directory: String) throws -> any StateStore
    /// Runs hold leases (PostgreSQL): recovery reaps expired leases instead of asking the run
    /// guard, so the guard-based recovery test does not apply.
    var leases = false

    var description: String { name }

    static let sqlite = StoreFactory(
        name: "SQLite",
        make: { try HistoryStore(path: ($0 as NSString).appendingPathComponent("state.db")) },
        connect: { try HistoryStore(path: ($0 as NSString).appendingPathComponent("state.db")) })

    static let all: [StoreFactory] = [.sqlite, .postgres]
    static let withoutLeases = all.filter { !$0.leases }
}

/// A fresh store of one factory in a temp directory, and helpers to write through the contract.
struct ConformanceFixture {
    let directory: HistoryTempDirectory
    let factory: StoreFactory
    let store: any StateStore

    init(_ factory: StoreFactory) throws {
        directory = try HistoryTempDirectory()
        self.factory = factory
        store = try factory.make(directory.path)
    }

    func secondConnection() throws -> any StateStore { try factory.connect(directory.path) }

    func cleanup() { directory.cleanup() }

    static func start(
        _ job: String, fire: Date?, at startedAt: Date? = nil, attempt: Int = 1, trigger: TriggerKind = .schedule
    ) -> ExecutionStart {
        ExecutionStart(
            job: job, scheduledFor: fire.map(Instant.init(date:)), startedAt: startedAt ?? fire ?? historyBase,
            attempt: attempt, triggeredBy: trigger, user: trigger == .manual ? "ops" : nil, host: "test-host",
            pid: 4242)
    }

    /// Claims and finishes a run; returns its claim.
    @discardableResult
    func run(
        _ job: String, fire: Date?, status: ExecutionStatus, seconds: Double, trigger: TriggerKind = .schedule
    ) throws -> RunClaim? {
        let start = Self.start(job, fire: fire, at: (fire ?? historyBase).addingTimeInterval(0.25), trigger: trigger)
        guard let claim = try store.claim(start).claim else { return nil }
        try store.finish(claim, ExecutionEnd(status: status, finishedAt: start.startedAt.addingTimeInterval(seconds)))
        return claim
    }

    /// Every execution the store keeps, newest first.
    func allRows() throws -> [ExecutionRecord] {
        try store.executions(HistoryFilter(limit: 1_000_000))
    }
}

extension SummaryModel {
    /// Brings the model up to the rows the store keeps now: rows gone were deleted (pruned);
    /// a row new or changed is folded in its latest state, as the summaries count it.
    mutating func sync(with rows: [ExecutionRecord]) {
        let kept = Set(rows.compactMap(\.id))
        for (id, row) in present where !kept.contains(id) {
            if row.status == .running { deletedWhileRunning.insert(id) }
            present[id] = nil
        }
        for record in rows {
            guard let id = record.id else { continue }
            let row = ModelRow(
                id: id, job: record.job, status: record.status, startedMs: HistoryTime.milliseconds(record.startedAt),
                finishedMs: record.finishedAt.map(HistoryTime.milliseconds(_:)), durationMs: record.durationMs,
                latenessMs: record.latenessMs)
            present[id] = row
            if folded[id] != row { fold(row) }
        }
    }
}
