import Foundation
import Testing

@testable import JobctlStore

extension StoreConformanceTests {
    /// A command that printed a NUL byte could not be finished on PostgreSQL (its `text` cannot
    /// hold NUL: "parameter $8 contains a NUL character"): the row stayed `running` until a
    /// reaper marked it `abandoned`; SQLite kept the text only up to the NUL. Both stores now
    /// keep the whole text with U+FFFD for each NUL.
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
        #expect(row.output == "before\u{FFFD}after")
        #expect(row.error == "bad\u{FFFD}byte")
    }
}
