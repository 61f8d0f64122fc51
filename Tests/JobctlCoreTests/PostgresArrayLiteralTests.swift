import Foundation
import JobctlPostgres
import Testing

@testable import JobctlPostgresStore

/// The array literals of the batched claim and the node's job digests: every element is quoted
/// and its `\` and `"` escaped (by bytes since the burst claim spent 40 ms in Foundation's
/// `replacingOccurrences`), so the server reads back exactly the strings sent.
@Suite(.postgresCluster) struct PostgresArrayLiteralTests {
    @Test func arrayLiteralsReadBackExactlyWhateverTheirCharacters() throws {
        let values = ["plain", "a\"b", "c\\d", "\\\"", "é ünï 日本", "{,}", "NULL", "", " spaced ", "x\\\\\"\"y"]
        let nodes = try PostgresNodes()
        let connection = try nodes.sql()
        defer { connection.close() }
        let rows = try connection.query(
            "SELECT u FROM unnest($1::text[]) WITH ORDINALITY AS t(u, n) ORDER BY n",
            [.text(PostgresStateStore.arrayLiteral(values))])
        #expect(try rows.map { try $0.string("u") } == values)
        let optional = try connection.query(
            "SELECT u FROM unnest($1::text[]) WITH ORDINALITY AS t(u, n) ORDER BY n",
            [.text(PostgresStateStore.optionalArrayLiteral(["a\"", nil, "NULL", "b\\"]))])
        #expect(try optional.map { try $0.string("u") } == ["a\"", nil, "NULL", "b\\"])
    }
}
