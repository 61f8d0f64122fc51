import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 9 through the real binary: jobctl writes only its own files, creates them private,
/// refuses unsafe configs, and a reload never switches paths mid-run.
@Suite struct FileSafetyBinaryTests {
    func mode(_ path: String) -> mode_t? {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & 0o7777 : nil
    }

    func write(_ text: String, to path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test func lockFileSymlinkIsNeverFollowed() async throws {
        let dir = try Binary.temporaryDirectory()
        let victim = dir.appendingPathComponent("victim.db").path
        try write("precious arcade bytes", to: victim)
        let locks = dir.appendingPathComponent("locks").path
        try FileManager.default.createDirectory(atPath: locks, withIntermediateDirectories: false)
        chmod(locks, 0o700)
        try FileManager.default.createSymbolicLink(atPath: locks + "/job.lock", withDestinationPath: victim)
        let config = dir.appendingPathComponent("jobs.conf").path
        try write("TZ=UTC\nLOCK_DIR=locks\n@daily job command=\"touch ran\"\n", to: config)

        let directory = dir.path
        let trigger = try await offPool {
            try Binary.run(["trigger", "job", "--config", config], currentDirectory: directory)
        }
        #expect(trigger.status == 1)
        #expect(trigger.stderr.contains("refusing lock file \(locks)/job.lock: it is a symbolic link"), "\(trigger)")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious arcade bytes")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("ran").path))

        // The instance lock of `jobctl run` is checked the same way.
        let instanceLock = dir.appendingPathComponent("jobctl.db.run.lock").path
        try FileManager.default.createSymbolicLink(atPath: instanceLock, withDestinationPath: victim)
        let run = try Daemon(["run", "--config", config], directory: dir)
        #expect(try await offPool { run.wait(timeout: 20) } == 1)
        #expect(run.output.contains("symbolic link"), "\(run.output)")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious arcade bytes")
    }

    @Test func sharedLockDirIsRefused() async throws {
        let dir = try Binary.temporaryDirectory()
        let locks = dir.appendingPathComponent("locks").path
        try FileManager.default.createDirectory(atPath: locks, withIntermediateDirectories: false)
        let config = dir.appendingPathComponent("jobs.conf").path
        let marker = dir.appendingPathComponent("ran").path
        try write("TZ=UTC\nLOCK_DIR=locks\n@daily job command=\"touch \(marker)\"\n", to: config)
        var modes: [mode_t] = [0o777, 0o1777]
        if geteuid() == 0 {
            chown(locks, 0, 65534)  // a shared group (nogroup): group-writable means others
            modes.append(0o775)
        }
        for unsafe in modes {
            chmod(locks, unsafe)
            let result = try await offPool { try Binary.run(["trigger", "job", "--config", config]) }
            #expect(result.status == 1, "mode \(String(unsafe, radix: 8))")
            #expect(result.stderr.contains("lock directory \(locks) is writable by group or others"), "\(result)")
        }
        // `run` refuses at start, before any job fires.
        chmod(locks, 0o777)
        let run = try Daemon(["run", "--config", config], directory: dir)
        #expect(try await offPool { run.wait(timeout: 20) } == 1)
        #expect(run.output.contains("lock directory \(locks) is writable by group or others"), "\(run.output)")
        if geteuid() == 0 {
            chmod(locks, 0o700)
            chown(locks, 65534, 0)
            let foreign = try await offPool { try Binary.run(["trigger", "job", "--config", config]) }
            #expect(foreign.status == 1)
            #expect(foreign.stderr.contains("lock directory \(locks) is owned by"), "\(foreign.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test func filesAreCreatedPrivate() async throws {
        let dir = try Binary.temporaryDirectory()
        let config = dir.appendingPathComponent("jobs.conf").path
        try write(
            "TZ=UTC\nSTATE_DB=state/jobctl.db\nLOCK_DIR=state/locks\n@reboot hello command=\"echo hi > out.txt\"\n",
            to: config)
        let daemon = try Daemon(["run", "--config", config], directory: dir)
        defer { daemon.stop() }
        #expect(try await offPool { daemon.waitFor("Job succeeded") }, "\(daemon.output)")
        let state = dir.appendingPathComponent("state").path
        #expect(mode(state) == 0o700)
        #expect(mode(state + "/locks") == 0o700)
        #expect(mode(state + "/locks/hello.lock") == 0o600)
        #expect(mode(state + "/jobctl.db.run.lock") == 0o600)
        for file in ["jobctl.db", "jobctl.db-wal", "jobctl.db-shm"] {
            #expect(mode(state + "/" + file) == 0o600, "\(file)")
        }
        // Commands inherit the umask (documented): their files are private too.
        #expect(mode(dir.appendingPathComponent("out.txt").path) == 0o600)
        let metrics = dir.appendingPathComponent("jobctl.prom").path
        let exported = try await offPool { try Binary.run(["metrics", "--config", config, "--output", metrics]) }
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(mode(metrics) == 0o600)
        #expect(try await offPool { daemon.stop() } == 0)
    }

    @Test(arguments: [(0o666 as mode_t, "others"), (0o664, "its group")])
    func writableConfigIsRefused(mode: mode_t, who: String) throws {
        let dir = try Binary.temporaryDirectory()
        let config = dir.appendingPathComponent("jobs.conf").path
        try write("TZ=UTC\n@daily job command=\"true\"\n", to: config)
        if mode & 0o002 == 0 {
            // Group-writable counts only for a shared group (root can hand the file to nogroup).
            guard geteuid() == 0 else { return }
            chown(config, geteuid(), 65534)
        }
        chmod(config, mode)
        for command in ["check", "run", "trigger"] {
            let arguments = command == "trigger" ? ["trigger", "job"] : [command]
            let result = try Binary.run(arguments + ["--config", config])
            #expect(result.status == 2, "\(command)")
            #expect(result.stderr.hasPrefix("\(config):1:1: error: the config is writable by \(who)"), "\(result)")
        }
    }

    @Test(.enabled(if: geteuid() == 0, "needs root to give the file away"))
    func foreignOwnedConfigIsRefused() throws {
        let dir = try Binary.temporaryDirectory()
        let config = dir.appendingPathComponent("jobs.conf").path
        try write("TZ=UTC\n@daily job command=\"true\"\n", to: config)
        chown(config, 65534, 65534)
        let result = try Binary.run(["check", "--config", config])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(config):1:1: error: the config is owned by"), "\(result.stderr)")
    }

    @Test func shortRetentionIsRefusedByCheck() throws {
        let dir = try Binary.temporaryDirectory()
        let config = dir.appendingPathComponent("jobs.conf").path
        try write("TZ=UTC\nAPP_DB=arcade.db\nHISTORY_RETENTION=1h\n@daily prizepool\n", to: config)
        let result = try Binary.run(["check", "--config", config])
        #expect(result.status == 2)
        let expected =
            "\(config):3:19: error: HISTORY_RETENTION 1h is shorter than the catch-up window of job "
            + "'prizepool'"
        #expect(result.stderr.contains(expected), "\(result.stderr)")
    }

    @Test func badHTTPListenIsReportedByCheckWithItsLocation() throws {
        let dir = try Binary.temporaryDirectory()
        let config = dir.appendingPathComponent("jobs.conf").path
        try write("TZ=UTC\nHTTP_LISTEN=192.168.1.10:8080\n@daily job command=\"true\"\n", to: config)
        let result = try Binary.run(["check", "--config", config])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(config):2:13: error: HTTP_LISTEN: '192.168.1.10:8080': refusing"))
    }

    @Test func reloadThatMovesLockDirIsRefused() async throws {
        let dir = try Binary.temporaryDirectory()
        let config = dir.appendingPathComponent("jobs.conf").path
        let original = "TZ=UTC\nLOCK_DIR=locks\n0 0 1 1 * first command=\"true\"\n"
        try write(original, to: config)
        let daemon = try Daemon(["run", "--config", config], directory: dir)
        defer { daemon.stop() }
        #expect(try await offPool { daemon.waitFor("Scheduler started") })
        let moved =
            "TZ=UTC\nLOCK_DIR=elsewhere\nAPP_DB=other.db\n"
            + "0 0 1 1 * first command=\"true\"\n0 0 1 1 * second command=\"true\"\n"
        try write(moved, to: config)
        daemon.signal(SIGHUP)
        #expect(try await offPool { daemon.waitFor("Config reload refused") }, "\(daemon.output)")
        let line = daemon.output.split(separator: "\n").first { $0.contains("Config reload refused") } ?? ""
        #expect(line.contains("LOCK_DIR \(dir.path)/locks → \(dir.path)/elsewhere"), "\(line)")
        #expect(line.contains("APP_DB (unset) →"))
        #expect(line.contains("restart jobctl"))
        #expect(!daemon.output.contains("Config reloaded"))
        // The old config is kept whole: the new job was not added. A reload without path
        // changes still works and shows the job count.
        try write(original + "0 0 1 1 * third command=\"true\"\n", to: config)
        daemon.signal(SIGHUP)
        #expect(try await offPool { daemon.waitFor("Config reloaded: 2 job(s)") }, "\(daemon.output)")
        #expect(!daemon.output.contains("second"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("elsewhere").path))
        #expect(try await offPool { daemon.stop() } == 0)
    }

    @Test func demoDataForceNeverDeletesADirectory() throws {
        let dir = try Binary.temporaryDirectory()
        let target = dir.appendingPathComponent("arcade.db").path
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: false)
        try write("someone's data", to: target + "/keep.txt")
        let result = try Binary.run(["demo-data", "--app-db", target, "--force", "--sessions", "10", "--days", "1"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("is a directory; refusing to delete it"), "\(result.stderr)")
        #expect(try String(contentsOfFile: target + "/keep.txt", encoding: .utf8) == "someone's data")

        // A symlink is not deleted, nor is what it points to.
        let victim = dir.appendingPathComponent("victim.db").path
        try write("precious", to: victim)
        let link = dir.appendingPathComponent("link.db").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: victim)
        let linked = try Binary.run(["demo-data", "--app-db", link, "--force", "--sessions", "10", "--days", "1"])
        #expect(linked.status == 1)
        #expect(linked.stderr.contains("is a symbolic link"), "\(linked.stderr)")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious")

        // A directory at a -wal name is refused even without --force.
        let fresh = dir.appendingPathComponent("fresh.db").path
        try FileManager.default.createDirectory(atPath: fresh + "-wal", withIntermediateDirectories: false)
        try write("x", to: fresh + "-wal/inside")
        let wal = try Binary.run(["demo-data", "--app-db", fresh, "--sessions", "10", "--days", "1"])
        #expect(wal.status == 1)
        #expect(FileManager.default.fileExists(atPath: fresh + "-wal/inside"))

        // A regular file is still replaced with --force.
        let plain = dir.appendingPathComponent("plain.db").path
        try write("old", to: plain)
        let replaced = try Binary.run(["demo-data", "--app-db", plain, "--force", "--sessions", "10", "--days", "1"])
        #expect(replaced.status == 0, "\(replaced.stderr)")
    }
}
