import Foundation
import GRDB
import Testing

@testable import JobctlStore

/// Random histories, written through the store and with plain SQL (inserts of any shape,
/// running → final, recovery, deletes, pruning, refused rewrites): the summaries the database
/// keeps equal a recomputation over the rows (`SummaryModel`) — exactly for counts, sums,
/// maxima, histograms, last success / failure and streaks; percentiles within the stated
/// precision. Seeded: a failure names its seed and replays.
@Suite struct SummaryPropertyTests {
    static let jobs = ["alpha", "beta", "gamma"]
    static let day: Int64 = 86_400_000

    /// The histories start on a fixed instant; rows spread over 12 days around it.
    static let base = HistoryTime.milliseconds(historyBase)

    struct World {
        var rng: SeededGenerator
        var model = SummaryModel()
        /// Writes (plain SQL; the store's own connection when there is a store).
        let queue: DatabaseQueue
        /// Reads for the model, on a connection of its own: a read on the writing connection
        /// expires its prepared statements (GRDB toggles `query_only`), and re-preparing a
        /// statement on job_executions compiles its triggers.
        let reader: DatabaseQueue
        var store: HistoryStore?
        var fire: Int64 = 0

        mutating func startedMs() -> Int64 {
            Int64.random(in: (base - 2 * day)...(base + 10 * day), using: &rng)
        }

        mutating func duration() -> Int64? {
            switch Int.random(in: 0..<20, using: &rng) {
            case 0...1: return nil
            case 2...6: return Int64.random(in: 0...300, using: &rng)
            case 7...16: return Int64.random(in: 0...200_000, using: &rng)
            case 17: return Int64.random(in: -600...(-1), using: &rng)
            default: return Int64.random(in: 0...(1 << 40), using: &rng)
            }
        }
    }

    @Test(arguments: 0..<12)
    func summariesEqualARecomputationOverTheRows(seed: UInt64) throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let store = try HistoryStore(path: dir.file("h.db"))
        try store.dbQueue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = OFF") }
        var world = World(
            rng: SeededGenerator(seed: seed), queue: store.dbQueue, reader: try DatabaseQueue(path: dir.file("h.db")),
            store: store)
        for step in 1...300 {
            try Self.randomStep(&world)
            if step % 50 == 0 { try Self.check(world, seed: seed, label: "step \(step)") }
        }
    }

    /// A database that had rows before v4: the backfill folds them in batches while rows are
    /// written, finished and deleted between the batches.
    @Test(arguments: 100..<106)
    func aBackfillInterleavedWithWritesEqualsARecomputation(seed: UInt64) throws {
        let dir = try HistoryTempDirectory()
        defer { dir.cleanup() }
        let path = dir.file("h.db")
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = OFF") }
        try HistoryStore.migrate(queue, path: path, upTo: "v3 create job_totals")
        var world = World(rng: SeededGenerator(seed: seed), queue: queue, reader: try DatabaseQueue(path: path))
        for _ in 0..<150 { try Self.randomStep(&world) }
        try HistoryStore.migrate(queue, path: path, upTo: "v4 create job summaries")
        var batches = 0
        var done = false
        while !done {
            let size = Int.random(in: 1...6, using: &world.rng)
            done = try HistoryStore.backfillSummaries(queue, batchSize: size, maxBatches: 1)
            batches += 1
            try world.reader.read { try world.model.sync($0) }
            for _ in 0..<Int.random(in: 0...4, using: &world.rng) where !done { try Self.randomStep(&world) }
        }
        #expect(batches > 2, "seed \(seed): the backfill took \(batches) batches")
        world.store = try HistoryStore(path: path)
        try Self.check(world, seed: seed, label: "after the backfill")
        for _ in 0..<60 { try Self.randomStep(&world) }
        try Self.check(world, seed: seed, label: "end")
    }

    /// Compares all-time and a few windows (one at midnight UTC), and the percentiles of stats.
    static func check(_ world: World, seed: UInt64, label: String) throws {
        let store = try #require(world.store)
        var rng = world.rng
        let report = try store.summaryReport(SummaryRequest())
        #expect(
            Dictionary(uniqueKeysWithValues: report.jobs.map { ($0.job, $0) }) == world.model.allTime(),
            "seed \(seed) \(label): all-time")
        try checkPercentiles(store, world.model, since: nil, seed: seed, label: label)
        let midnight = (base / day + 3) * day
        for since in [midnight, Int64.random(in: (base - 3 * day)...(base + 11 * day), using: &rng)] {
            let window = try store.summaryReport(SummaryRequest(since: HistoryTime.date(milliseconds: since)))
            let expected = world.model.window(sinceMs: since)
            #expect(
                Dictionary(uniqueKeysWithValues: window.jobs.map { ($0.job, $0) }) == expected,
                "seed \(seed) \(label): since \(since)")
            try checkPercentiles(store, world.model, since: since, seed: seed, label: label)
        }
    }

    static func checkPercentiles(
        _ store: HistoryStore, _ model: SummaryModel, since: Int64?, seed: UInt64, label: String
    ) throws {
        let stats = try store.stats(job: nil, since: since.map(HistoryTime.date(milliseconds:)))
        for job in stats.jobs {
            let durations = model.durations(job: job.job ?? "", sinceMs: since)
            guard !durations.isEmpty else {
                #expect(job.durationP50Ms == nil, "seed \(seed) \(label)")
                continue
            }
            for (p, reported) in [(0.50, job.durationP50Ms), (0.95, job.durationP95Ms)] {
                let exact = durations[DurationHistogram.rank(p, of: durations.count) - 1]
                #expect(
                    isWithinHistogramPrecision(reported, of: exact),
                    "seed \(seed) \(label): p\(Int(p * 100)) of \(job.job ?? "") is \(reported ?? -1), not \(exact)")
            }
        }
    }
}
