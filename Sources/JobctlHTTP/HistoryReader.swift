import Dispatch
import Foundation
import JobctlStore

/// The HTTP server's view of the history: its own read-only connection to `STATE_DB` (WAL:
/// readers never block the scheduler's writes, and the scheduler's store is never used by a
/// request), queried on one serial dispatch queue so that a slow query blocks neither the
/// scheduler's threads nor Swift's cooperative pool — requests wait their turn instead.
final class HistoryReader: Sendable {
    let store: any StateStore
    private let queue = DispatchQueue(label: "jobctl.http.history", qos: .utility)

    init(store: any StateStore) {
        self.store = store
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (any StateStore) throws -> T) async throws -> T {
        let store = self.store
        return try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try body(store) })
            }
        }
    }
}
