import Foundation
import Testing

@testable import JobctlStore

extension StoreConformanceTests {
    /// The HTTP status reads everything it shows in one consistent state (issue 10): a summary
    /// report asked for the alert figures carries the same figures `alertFigures()` reads.
    @Test(arguments: StoreFactory.all)
    func aSummaryReportCarriesTheAlertFiguresOfTheSameRead(factory: StoreFactory) throws {
        let f = try Fixture(factory)
        defer { f.cleanup() }
        _ = try #require(try f.store.claim(Fixture.start("long", fire: historyBase)).claim)
        let done = try #require(try f.store.claim(Fixture.start("short", fire: historyBase)).claim)
        try f.store.finish(done, ExecutionEnd(status: .succeeded, finishedAt: historyBase + 1))
        let report = try f.store.summaryReport(SummaryRequest(durations: false, lastRuns: true, alertFigures: true))
        #expect(report.figures == (try f.store.alertFigures()))
        #expect(Set(report.figures.runningSince.keys) == ["long"])
        #expect(try f.store.summaryReport(SummaryRequest()).figures == AlertFigures())
    }
}
