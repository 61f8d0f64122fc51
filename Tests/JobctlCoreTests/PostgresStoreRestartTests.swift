import Foundation
import JobctlConfig
import JobctlPostgres
import JobctlPostgresStore
import JobctlReports
import JobctlTime
import Testing

@testable import JobctlStore

/// A database restart under the store (its own cluster: restarting the conformance suite's
/// would cut every other test's connections). Committed claims survive; the calls that find
/// their connection dead fail, and the store reconnects on the next call, with nothing else
/// remembered about the old connections.
@Suite(.postgresCluster) struct PostgresStoreRestartTests {
    @Test func theStoreReconnectsAfterADatabaseRestartAndLosesNoClaim() throws {
        let nodes = try PostgresNodes()
        let node = try nodes.node()
        let before = try #require(try node.claim(PostgresNodes.start("j", fire: historyBase)).claim)
        try PostgresTestCluster.require().restart()
        var failures = 0
        var after: FireClaim?
        for _ in 0..<8 where after == nil {
            do {
                after = try node.claim(PostgresNodes.start("j", fire: historyBase + 60))
            } catch let error as PostgresError {
                #expect(error.isConnectionLoss, "\(error)")
                failures += 1
            }
        }
        PostgresTestCluster.log("calls that failed after the restart: \(failures)")
        #expect(failures >= 1 && failures <= 4, "one failure per pooled connection at most")
        #expect(after?.claim != nil)
        #expect(try node.claim(PostgresNodes.start("j", fire: historyBase)) == .alreadyClaimed)
        #expect(try node.finish(before, ExecutionEnd(status: .succeeded, finishedAt: historyBase + 1)))
        #expect(try nodes.rowCount() == 2)
    }
}
