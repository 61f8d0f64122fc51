import Foundation
import Testing

@testable import JobctlStore

extension StoreConformanceTests {
    /// A command that printed a NUL byte could not be finished on PostgreSQL (its `text` cannot
    /// hold NUL: "parameter $8 contains a NUL character"): the row stayed `running` until a
    /// reaper marked it `abandoned`. Every store finishes it; PostgreSQL keeps U+FFFD instead.
    @Test(arguments: StoreFactory.all)
    func aRunWhoseOutputHasANulByteStillFinishes(factory: StoreFactory) throws {
        let f = try Fixture(factory)
        defer { f.cleanup() }
        let claim = try #require(try f.store.claim(Fixture.start("a", fire: historyBase)).claim)
        let end = ExecutionEnd(
            status: .failed, finishedAt: historyBase + 2, error: "bad\0byte", output: "before\0after")
        #expect(try f.store.finish(claim, end))
        let row = try #require(try f.store.execution(id: claim.runID))
        #expect(row.status == .failed)
        let kept = ["before\0after", "before\u{FFFD}after"]
        #expect(kept.contains(row.output ?? ""), "\(String(describing: row.output))")
        #expect(["bad\0byte", "bad\u{FFFD}byte"].contains(row.error ?? ""))
    }
}
