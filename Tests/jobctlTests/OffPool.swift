import Foundation

/// Runs blocking work (a process to wait for, a socket to read, a sleep) on a thread of its
/// own and awaits it. A test that blocks inside its task holds one of the few threads of
/// Swift's cooperative pool (two on a two-core machine), which the in-process scheduler tests
/// of the same run need; awaiting this instead leaves the pool free. Assertions stay in the
/// test's task: `body` returns what the test then checks.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
    }
}
