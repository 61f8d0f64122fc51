import Foundation
import Testing

/// The cluster script's own guarantees, on the same serialized suite.
extension PostgresConnectionTests {
    /// Foundation's Process sees its child exit only when every copy of a socket the child
    /// inherited is closed: a postmaster that kept it hung `waitUntilExit()` for good.
    @Test func clusterDaemonsDoNotInheritTheCallersDescriptors() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)  // no O_CLOEXEC: every child inherits it, as Foundation's socket
        defer { ends.forEach { close($0) } }
        var info = stat()
        #expect(fstat(ends[1], &info) == 0)
        let cluster = try PostgresTestCluster.require()
        try cluster.restart()
        let pidText = try String(contentsOfFile: cluster.directory + "/data/postmaster.pid", encoding: .utf8)
        let pid = try #require(pidText.split(separator: "\n").first.flatMap { Int32($0) })
        let fdDirectory = "/proc/\(pid)/fd"
        let targets = try FileManager.default.contentsOfDirectory(atPath: fdDirectory).map {
            (try? FileManager.default.destinationOfSymbolicLink(atPath: fdDirectory + "/" + $0)) ?? ""
        }
        #expect(!targets.isEmpty)
        #expect(!targets.contains("pipe:[\(info.st_ino)]"))
    }

    @Test func clusterIsStoppedAndRemovedWhenItsOwnerProcessDies() throws {
        let owner = Process()
        owner.executableURL = URL(fileURLWithPath: "/bin/sleep")
        owner.arguments = ["1"]
        try owner.run()
        var template = Array("/tmp/jobctl-pg-XXXXXX".utf8CString)
        let directory = try #require(mkdtemp(&template).map { String(cString: $0) })
        defer { _ = PostgresTestCluster.run(["stop", directory]) }
        let started = PostgresTestCluster.run(["start", directory], ownerPID: owner.processIdentifier)
        #expect(started.status == 0, "\(started.stderr)")
        owner.waitUntilExit()
        let deadline = ContinuousClock.now + .seconds(20)  // hang guard: the watcher polls each second
        while FileManager.default.fileExists(atPath: directory), ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(!FileManager.default.fileExists(atPath: directory))
    }
}
