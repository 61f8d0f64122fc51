import Foundation

/// A value that arrives once, from any thread, for any number of async waiters: the first
/// `resolve` wins, later ones are ignored.
public final class OneShot<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Value?
    private var waiters: [CheckedContinuation<Value, Never>] = []

    public init() {}

    public func resolve(_ value: Value) {
        lock.lock()
        guard result == nil else {
            lock.unlock()
            return
        }
        result = value
        let waiting = waiters
        waiters.removeAll()
        lock.unlock()
        waiting.forEach { $0.resume(returning: value) }
    }

    public func value() async -> Value {
        await withCheckedContinuation { continuation in
            lock.lock()
            if let result {
                lock.unlock()
                continuation.resume(returning: result)
            } else {
                waiters.append(continuation)
                lock.unlock()
            }
        }
    }
}
