import Foundation
import Testing

/// Issue 11, "The HTTP status includes them": the status answer always has `nodes`, empty on
/// SQLite (one `jobctl run` per file, no node rows).
@Suite struct NodesStatusSQLiteTests {
    @Test func theStatusOfASQLiteStateDBHasAnEmptyNodesList() throws {
        let daemon = try HTTPDaemon(config: #"@daily greet command="true""#)
        defer { daemon.stop() }
        let status = try daemon.status()
        let nodes = try #require(status["nodes"] as? [Any], "no nodes key: \(status.keys.sorted())")
        #expect(nodes.isEmpty)
        // The page's Nodes section starts hidden (the script shows it only for a non-empty list).
        let page = try daemon.get("/")
        #expect(page.text.contains(#"<section id="nodesbox" hidden>"#))
    }
}
