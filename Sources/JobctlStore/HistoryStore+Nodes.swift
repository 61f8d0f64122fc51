import Foundation

/// SQLite's side of `StateStore.nodes()`: one `jobctl run` per file (its instance lock), so no
/// node rows; the answer is empty and reads nothing (the status read's statement count holds).
extension HistoryStore {
    public func nodes() throws -> [NodeRecord] { [] }
}
