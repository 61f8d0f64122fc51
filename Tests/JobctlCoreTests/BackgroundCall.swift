import Foundation

/// Runs `body` on a thread of its own (a blocking store call must not hold a test's task) and
/// returns a way to wait for its result.
final class BackgroundCall<T: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<T, any Error>?  // written once before `done` signals

    init(_ body: @escaping @Sendable () throws -> T) {
        Thread.detachNewThread { [self] in
            result = Result { try body() }
            done.signal()
        }
    }

    /// The result; throws when the body did, or after 30 s (a hang guard).
    func wait() throws -> T {
        guard done.wait(timeout: .now() + 30) == .success, let result else {
            throw ClusterError("a background call did not end within 30 s")
        }
        return try result.get()
    }
}
