import Foundation
import Testing

@testable import JobctlArcade
@testable import JobctlConfig
@testable import JobctlReports
@testable import JobctlRunning
@testable import JobctlScheduling
@testable import JobctlStore
@testable import JobctlTime

/// `MAX_CONCURRENT` through a real scheduler on a manual clock, with gated jobs: each run lasts
/// until the test opens its gate, so "who runs while whom waits" is deterministic.
@Suite struct SchedulerConcurrencyTests {
    func gated(_ name: String, _ schedule: String, gate: Int, overlap: OverlapPolicy = .skip) throws -> JobDefinition {
        try job(name, schedule, overlap: overlap, action: .builtin(gateKind, options: ["gate": .integer(gate)]))
    }

    func firstRow(_ h: Harness, _ job: String) throws -> ExecutionRecord? { try h.rows(job).first }

    /// Three jobs due at 10:00 with one slot: they run one after another in fire order (then
    /// name), each claimed when it starts, so the wait is its lateness.
    @Test func dueRunsWaitForASlotInFireOrderAndTheWaitIsTheirLateness() async throws {
        let gates = (Gates.unique(), Gates.unique(), Gates.unique())
        let jobs = [
            try gated("c", "0 10 * * *", gate: gates.2), try gated("a", "0 10 * * *", gate: gates.0),
            try gated("b", "0 10 * * *", gate: gates.1),
        ]
        let h = try Harness(jobs: jobs, start: try at("2026-06-01T09:59:59Z"), configure: { $0.maxConcurrent = 1 })
        await h.settle()
        h.clock.set(try at("2026-06-01T10:00:00Z"))
        #expect(try await eventually { try firstRow(h, "a")?.status == .running })
        #expect(try h.rows("b").isEmpty && h.rows("c").isEmpty)
        h.clock.set(try at("2026-06-01T10:00:07Z"))
        Gates.shared.open(gates.0)
        #expect(try await eventually { try firstRow(h, "b")?.status == .running })
        #expect(try h.rows("c").isEmpty)
        h.clock.set(try at("2026-06-01T10:00:12Z"))
        Gates.shared.open(gates.1)
        #expect(try await eventually { try firstRow(h, "c")?.status == .running })
        Gates.shared.open(gates.2)
        #expect(try await eventually { try firstRow(h, "c")?.status == .succeeded })
        await h.stop()
        #expect(try [firstRow(h, "a"), firstRow(h, "b"), firstRow(h, "c")].map { $0?.latenessMs } == [0, 7000, 12000])
    }

    /// Two slots: two run at once, the third waits.
    @Test func theCapIsTheNumberOfRunsAtOnce() async throws {
        let gate = Gates.unique()
        let jobs = try ["a", "b", "c"].map { try gated($0, "0 10 * * *", gate: gate) }
        let h = try Harness(jobs: jobs, start: try at("2026-06-01T09:59:59Z"), configure: { $0.maxConcurrent = 2 })
        await h.settle()
        h.clock.set(try at("2026-06-01T10:00:00Z"))
        #expect(try await eventually { try firstRow(h, "b")?.status == .running })
        #expect(try firstRow(h, "a")?.status == .running)
        #expect(try h.rows("c").isEmpty)
        #expect(await h.scheduler.runningCount == 2)
        Gates.shared.open(gate)
        #expect(try await eventually { try firstRow(h, "c")?.status == .succeeded })
        await h.stop()
    }

    /// A fire waiting for a slot is its job's run for `overlap=`: the job's next fire is
    /// skipped with a reason that says so, and the waiting fire still runs later.
    @Test func aFireWaitingForASlotMakesTheNextFireOfItsJobSkip() async throws {
        let (long, minutely) = (Gates.unique(), Gates.unique())
        Gates.shared.open(minutely)
        let jobs = [try gated("a", "0 10 * * *", gate: long), try gated("b", "* * * * *", gate: minutely)]
        let h = try Harness(jobs: jobs, start: try at("2026-06-01T09:59:59Z"), configure: { $0.maxConcurrent = 1 })
        await h.settle()
        h.clock.set(try at("2026-06-01T10:00:00Z"))
        #expect(try await eventually { try firstRow(h, "a")?.status == .running })
        h.clock.set(try at("2026-06-01T10:01:00Z"))
        #expect(try await eventually { try h.rows("b").first?.status == .skipped })
        Gates.shared.open(long)
        #expect(
            try await eventually { try h.rows("b").count == 2 && h.rows("b")[1].status == ExecutionStatus.succeeded })
        await h.stop()
        let b = try h.rows("b")
        #expect(b[0].scheduledAt == (try at("2026-06-01T10:01:00Z")))
        #expect(b[0].error == "previous fire still waiting for a free slot (MAX_CONCURRENT)")
        #expect(b[1].scheduledAt == (try at("2026-06-01T10:00:00Z")) && b[1].latenessMs == 60_000)
    }

    /// Without the setting nothing waits.
    @Test func withoutMaxConcurrentEveryDueRunStartsAtOnce() async throws {
        let gate = Gates.unique()
        let jobs = try ["a", "b", "c", "d"].map { try gated($0, "0 10 * * *", gate: gate) }
        let h = try Harness(jobs: jobs, start: try at("2026-06-01T09:59:59Z"))
        await h.settle()
        h.clock.set(try at("2026-06-01T10:00:00Z"))
        #expect(
            try await eventually { try ["a", "b", "c", "d"].allSatisfy { try firstRow(h, $0)?.status == .running } })
        Gates.shared.open(gate)
        await h.stop()
        #expect(try ["a", "b", "c", "d"].allSatisfy { try firstRow(h, $0)?.latenessMs == 0 })
    }
}
