import Foundation
import JobctlPostgres

extension PostgresTestCluster {
    /// A fresh database in this cluster named `prefix` + a random part; its URL. One per test, so
    /// tests sharing the suite's cluster never see each other's rows.
    func freshDatabase(prefix: String) throws -> (name: String, url: String) {
        let name = prefix + UUID().uuidString.prefix(8).lowercased()
        let admin = try PostgresConnection(PostgresConfiguration(url))
        defer { admin.close() }
        _ = try admin.query("CREATE DATABASE \(name)")
        guard let slash = url.lastIndex(of: "/") else { throw ClusterError("no database in the URL") }
        return (name, url[..<slash] + "/" + name)
    }
}
