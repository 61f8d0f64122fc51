import Foundation
import GRDB

extension HistoryStore {
    /// SQLite's `PRAGMA data_version` of this store's connection: it changes whenever another
    /// connection (the scheduler's) commits. A reader that caches what it read (the HTTP
    /// status) re-reads only when this has changed.
    public func dataVersion() throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }
    }
}
