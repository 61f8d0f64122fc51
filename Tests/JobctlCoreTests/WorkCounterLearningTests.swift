import Foundation
import Testing

@testable import JobctlArcade
@testable import JobctlRunning
@testable import JobctlStore

/// Issue 10: the stores knew the arcade's counter names (`pools_due`, `sessions_seen`) from
/// their own schema, so a new job's counter took a migration. Now they learn them as data from
/// the registry (`StateStore.learnCounters`), on both stores.
@Suite(.postgresCluster) struct WorkCounterLearningTests {
    @Test(arguments: StoreFactory.all)
    func aCounterTheStoreWasNeverToldOfIsMeteredOnceLearned(_ factory: StoreFactory) throws {
        let f = try ConformanceFixture(factory)
        defer { f.cleanup() }
        func run(at second: Double) throws {
            let start = ConformanceFixture.start("widgets", fire: nil, at: historyBase + second, trigger: .manual)
            let claim = try #require(try f.store.claim(start).claim)
            let metrics = JobMetrics(processed: 3, counters: ["widgets_due": 3])
            let end = ExecutionEnd(status: .succeeded, finishedAt: historyBase + second + 1, metrics: metrics)
            try f.store.finish(claim, end)
        }
        try run(at: 0)
        #expect(try f.store.alertFigures().work["widgets"] == nil)
        try f.store.learnCounters([WorkCounter(name: "widgets_due", kind: .work)])
        try f.store.learnCounters([WorkCounter(name: "widgets_due", kind: .work)])  // the next start: nothing new
        try run(at: 60)
        #expect(try f.store.alertFigures().work["widgets"]?.lastWork == historyBase + 60)
    }

    @Test func theRegistryDeclaresTheCountersItsJobsMeter() {
        let counters = Set(ArcadeJobs.registry.workCounters)
        #expect(counters.contains(WorkCounter(name: "pools_due", kind: .work)))
        #expect(counters.contains(WorkCounter(name: "sessions_seen", kind: .activity)))
        #expect(BuiltinJobRegistry([]).workCounters.isEmpty)
    }
}
