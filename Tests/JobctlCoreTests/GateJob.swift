import Foundation
import Synchronization

@testable import JobctlArcade
@testable import JobctlConfig
@testable import JobctlReports
@testable import JobctlRunning
@testable import JobctlScheduling
@testable import JobctlStore
@testable import JobctlTime

/// A built-in job for the loop tests that runs until the test opens its gate (`gate=N`), then
/// succeeds or, with `fail=true`, fails: a run that lasts exactly as long as the test wants,
/// whatever the machine's load.
struct GateJob: BuiltinJob {
    static let name = "gatejob"
    static let summary = "test"
    static let options = [JobOptionSpec("gate", .integer(0...1_000_000)), JobOptionSpec("fail", .boolean)]
    let gate: Int
    let fail: Bool

    init(options: [String: JobOptionValue]) {
        if case .integer(let g) = options["gate"] { gate = g } else { gate = 0 }
        if case .boolean(let f) = options["fail"] { fail = f } else { fail = false }
    }

    struct Failure: Error, CustomStringConvertible { var description: String { "gate failure" } }

    func run(_ context: JobContext) async throws -> JobResult {
        await Gates.shared.wait(gate)
        if fail { throw Failure() }
        return JobResult(metrics: JobMetrics(processed: 1))
    }
}

let gateKind = BuiltinJobKind(GateJob.self)

/// Gates by number: closed until `open`, then open for good. Test numbers are unique per test.
final class Gates: Sendable {
    static let shared = Gates()

    private struct State {
        var open: Set<Int> = []
        var waiters: [Int: [CheckedContinuation<Void, Never>]] = [:]
    }
    private let state = Mutex(State())

    func wait(_ gate: Int) async {
        await withCheckedContinuation { continuation in
            let resume = state.withLock { s -> Bool in
                if s.open.contains(gate) { return true }
                s.waiters[gate, default: []].append(continuation)
                return false
            }
            if resume { continuation.resume() }
        }
    }

    func open(_ gate: Int) {
        let waiting = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.open.insert(gate)
            return s.waiters.removeValue(forKey: gate) ?? []
        }
        waiting.forEach { $0.resume() }
    }

    /// A gate number no other test uses.
    static func unique() -> Int { counter.add(1, ordering: .relaxed).newValue }
    private static let counter = Atomic<Int>(0)
}
