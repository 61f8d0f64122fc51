import Synchronization

/// A value that arrives once, from any thread, for any number of async waiters: the first
/// `resolve` wins, later ones are ignored.
public final class OneShot<Value: Sendable>: Sendable {
    private struct State {
        var result: Value?
        var waiters: [CheckedContinuation<Value, Never>] = []
    }

    private let state = Mutex(State())

    public init() {}

    public func resolve(_ value: Value) {
        let waiting: [CheckedContinuation<Value, Never>] = state.withLock { state in
            guard state.result == nil else { return [] }
            state.result = value
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        waiting.forEach { $0.resume(returning: value) }
    }

    public func value() async -> Value {
        await withCheckedContinuation { continuation in
            let result: Value? = state.withLock { state in
                if state.result == nil { state.waiters.append(continuation) }
                return state.result
            }
            if let result { continuation.resume(returning: result) }
        }
    }
}
