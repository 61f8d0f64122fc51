import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension PostgresStateDBTests {
    /// A `jobctl trigger` stopped (SIGSTOP) past its run's lease deadline self-fenced on SIGCONT
    /// and wrote nothing more, yet exited 0 when its command had succeeded meanwhile: nothing
    /// was recorded but a `running` row for a reaper to mark `abandoned`. It now exits 1 and
    /// says that the run lost its lease.
    @Test func aTriggerThatLostItsLeaseExitsNonZeroAndSaysSo() throws {
        let setup = try Setup(#"@daily brief command="sleep 1""#, lease: "3s")
        let trigger = try Daemon(
            ["trigger", "brief"], directory: setup.directory, environment: ["JOBCTL_CONFIG": setup.config])
        try #require(trigger.waitFor("Job started"), "\(trigger.output)")
        trigger.signal(SIGSTOP)
        sleep(6)  // LEASE 3 s: the run's deadline (LEASE − MARGIN = 2 s) passes while stopped
        trigger.signal(SIGCONT)
        let status = trigger.wait()
        #expect(status == 1, "\(trigger.output)")
        #expect(trigger.output.contains("lost its lease"), "\(trigger.output)")
        #expect(try setup.count("SELECT count(*) AS n FROM jobctl_execution WHERE status = 'succeeded'") == 0)
    }
}
