import Foundation
import Testing

@testable import JobctlArcade
@testable import JobctlConfig
@testable import JobctlRunning
@testable import JobctlTime

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 9: bad configuration is a located error, not a surprise — retention shorter than a
/// catch-up window, control characters, oversized values, an unsafe file, and settings a
/// reload may not change.
@Suite struct ConfigSafetyTests {
    let reader = ConfigReader(
        path: "jobs.conf", machineZone: ZoneRules(identifier: "UTC")!, catalog: ArcadeJobs.registry.catalog)

    func firstError(_ text: String) throws -> ConfigError {
        do {
            _ = try reader.parse(text)
        } catch {
            return try #require(error.errors.first)
        }
        throw ConfigSafetyTestError("expected an error for: \(text.prefix(200))")
    }

    // MARK: Retention

    @Test func retentionShorterThanACatchupWindowIsAnError() throws {
        let error = try firstError(
            "TZ=UTC\nHISTORY_RETENTION=12h\nAPP_DB=a.db\n@daily prizepool\n@daily other command=\"true\" catchup=6h")
        #expect(error.location.line == 2)
        #expect(error.location.column == 19)
        #expect(error.message.contains("shorter than the catch-up window of job 'prizepool'"), "\(error.message)")
        #expect(error.message.contains("catchup=1d"))
    }

    @Test func retentionOfZeroIsAnError() throws {
        let error = try firstError("HISTORY_RETENTION=0\n@daily tick command=\"true\"")
        #expect(error.location.line == 1 && error.location.column == 19)
        #expect(error.message.hasPrefix("HISTORY_RETENTION must be longer than 0"))
    }

    @Test func catchupLongerThanTheDefaultRetentionIsAnErrorAtTheCatchup() throws {
        let error = try firstError("@daily tick command=\"true\" catchup=100d")
        #expect(error.location.line == 1)
        #expect(error.location.column == 36)
        #expect(error.message.contains("HISTORY_RETENTION, default 90d"), "\(error.message)")
    }

    @Test func retentionAsLongAsTheLongestWindowIsFine() throws {
        let config = try reader.parse(
            "HISTORY_RETENTION=2d\n@daily a command=\"true\" catchup=2d\n@daily b command=\"true\" catchup=off")
        #expect(config.historyRetentionMilliseconds == 2 * 86_400_000)
    }

    // MARK: Characters and lengths

    struct Unsafe: Sendable, CustomTestStringConvertible {
        var line: String
        var column: Int
        var code: String
        var testDescription: String { code }
    }

    static let unsafeCharacters: [Unsafe] = [
        Unsafe(line: "@daily tick command=\"echo a\u{0}rm -rf x\"", column: 28, code: "U+0000 (NUL)"),
        Unsafe(line: "@daily tick command=\"echo \u{1B}[2Jhidden\"", column: 27, code: "U+001B (ESC)"),
        Unsafe(line: "@daily tick command=\"true\r; evil\"", column: 26, code: "U+000D (CR)"),
        Unsafe(line: "@daily tick command=\"true\u{7F}\"", column: 26, code: "U+007F (DEL)"),
        Unsafe(line: "@daily tick command=\"true\u{85}\"", column: 26, code: "U+0085"),
        Unsafe(line: "@daily tick command=\"echo \u{202E}olleh\"", column: 27, code: "U+202E"),
        Unsafe(line: "# a comment with a bell\u{7}", column: 24, code: "U+0007 (BEL)"),
        Unsafe(line: "TZ=UTC\u{0}", column: 7, code: "U+0000 (NUL)"),
    ]

    @Test(arguments: unsafeCharacters)
    func controlCharactersAreALocatedError(_ c: Unsafe) throws {
        let error = try firstError(c.line)
        #expect(error.location.line == 1)
        #expect(error.location.column == c.column, "\(error)")
        #expect(error.message.hasPrefix("character \(c.code)"), "\(error.message)")
        // The line shown under the error never carries the character itself.
        #expect(!error.description.unicodeScalars.contains { LineScanner.isUnsafe($0) && $0 != "\n" })
    }

    @Test func tabsStillSeparateWords() throws {
        let config = try reader.parse("@daily\ttick\tcommand=\"true\"")
        #expect(config.jobs.map(\.name) == ["tick"])
    }

    @Test func oversizedCommandIsALocatedError() throws {
        let command = String(repeating: "x", count: ConfigReader.maximumValueLength)
        let error = try firstError("@daily tick command=\"\(command)\"")
        #expect(error.location.column == 13)
        #expect(error.message.contains("the limit is 4096"))
        // At the limit it is accepted.
        let fits = String(repeating: "x", count: ConfigReader.maximumValueLength - "command=".count)
        #expect(try reader.parse("@daily tick command=\(fits)").jobs.count == 1)
        // The line under the error is cut, not 4 KB wide.
        #expect(error.description.count < 600)
    }

    @Test func hugeZoneValueIsRefusedBeforeAnySuggestionWork() throws {
        let started = ContinuousClock.now
        let error = try firstError("TZ=" + String(repeating: "A", count: 80_000) + "\n@daily tick command=\"true\"")
        #expect(error.location.line == 1)
        #expect(error.message.contains("limit is 4096"))
        let long = try firstError("TZ=" + String(repeating: "A", count: 300))
        #expect(long.location.column == 4)
        #expect(long.message.contains("the limit is 256"), "\(long.message)")
        let option = try firstError("@daily tick command=\"true\" tz=" + String(repeating: "B/", count: 1000))
        #expect(option.message.contains("the limit is 256"))
        // Hang guard only (the 80 KB value took seconds in suggestions before).
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func suggestionSearchIgnoresLongInput() {
        #expect(Zones.suggestions(for: String(repeating: "x", count: 100_000)).isEmpty)
        #expect(Zones.suggestions(for: "america/new_york") == ["America/New_York"])
        #expect(ConfigReader.closest(String(repeating: "S", count: 10_000), in: ConfigReader.settings) == nil)
    }

    // MARK: HTTP_LISTEN

    @Test func badHTTPListenIsALocatedError() throws {
        let error = try firstError("TZ=UTC\nHTTP_LISTEN=192.168.1.10:8080")
        #expect(error.location.line == 2 && error.location.column == 13)
        #expect(error.message.hasPrefix("HTTP_LISTEN: '192.168.1.10:8080': refusing to listen on a non-loopback"))
        #expect(try reader.parse("HTTP_LISTEN=127.0.0.1:8080").httpListen == "127.0.0.1:8080")
    }

    // MARK: Reload

    @Test func reloadThatChangesAStartOnlySettingIsRefused() throws {
        let before = try reader.parse("LOCK_DIR=/srv/locks\n@daily tick command=\"true\"")
        let sameSettings = try reader.parse("LOCK_DIR=/srv/locks\n@hourly tock command=\"true\"")
        #expect(before.reloadRefusal(sameSettings) == nil)
        let moved = try reader.parse("LOCK_DIR=/srv/other\nAPP_DB=/srv/a.db\n@daily tick command=\"true\"")
        let refusal = try #require(before.reloadRefusal(moved))
        #expect(refusal.contains("LOCK_DIR /srv/locks → /srv/other"))
        #expect(refusal.contains("APP_DB (unset) → /srv/a.db"))
        #expect(refusal.contains("restart"))
        let http = try reader.parse("LOCK_DIR=/srv/locks\nHTTP_LISTEN=127.0.0.1:9000\n@daily tick command=\"true\"")
        #expect(before.reloadRefusal(http)?.contains("HTTP_LISTEN") == true)
    }

    @Test func disabledJobsRefuseRunsByHand() throws {
        let config = try reader.parse("@daily on command=\"true\"\n@daily off command=\"true\" enabled=false")
        #expect(config.jobs[0].disabledRefusal == nil)
        #expect(config.jobs[1].disabledRefusal == "job 'off' is disabled (enabled=false on line 2); nothing ran")
    }
}

/// The file checks of `ConfigReader.load` and `FileSafety`, on real files.
@Suite struct ConfigFileSafetyTests {
    func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("jobctl-safety-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        chmod(path, 0o700)
        return path
    }

    func loadError(_ path: String) throws -> ConfigError {
        do {
            _ = try ConfigReader.load(path: path, environment: [:], catalog: ArcadeJobs.registry.catalog)
        } catch {
            return try #require(error.errors.first)
        }
        throw ConfigSafetyTestError("expected \(path) to be refused")
    }

    @Test(arguments: [(0o666 as mode_t, "others"), (0o646, "others")])
    func writableConfigIsRefused(mode: mode_t, who: String) throws {
        let dir = try temporaryDirectory()
        let path = dir + "/jobs.conf"
        try "@daily tick command=\"true\"\n".write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, mode)
        let error = try loadError(path)
        #expect(error.headline.hasPrefix("\(path):1:1: error: the config is writable by \(who)"), "\(error.headline)")
        chmod(path, 0o644)
        #expect(
            try ConfigReader.load(path: path, environment: [:], catalog: ArcadeJobs.registry.catalog).jobs.count == 1)
    }

    /// Group-writable is writable by someone else, unless the group is the user's private
    /// group (`umask 002` systems). Root can hand the file to a shared group (nogroup).
    @Test(.enabled(if: geteuid() == 0, "needs root to change the group"))
    func groupWritableConfigIsRefusedUnlessTheGroupIsPrivate() throws {
        let dir = try temporaryDirectory()
        let path = dir + "/jobs.conf"
        try "@daily tick command=\"true\"\n".write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, 0o664)
        chown(path, geteuid(), 65534)
        let error = try loadError(path)
        #expect(error.headline.hasPrefix("\(path):1:1: error: the config is writable by its group"), "\(error)")
        chown(path, geteuid(), 0)  // root's own group, no other member
        #expect(
            try ConfigReader.load(path: path, environment: [:], catalog: ArcadeJobs.registry.catalog).jobs.count == 1)
    }

    @Test(.enabled(if: geteuid() == 0, "needs root to give the file away"))
    func foreignOwnedConfigIsRefused() throws {
        let dir = try temporaryDirectory()
        let path = dir + "/jobs.conf"
        try "@daily tick command=\"true\"\n".write(toFile: path, atomically: false, encoding: .utf8)
        chown(path, 65534, 65534)
        let error = try loadError(path)
        #expect(error.message.contains("the config is owned by"), "\(error.message)")
        #expect(error.message.contains("uid 65534"))
    }

    @Test func privateDirectoryRules() throws {
        let dir = try temporaryDirectory()
        try FileSafety.checkPrivateDirectory(dir, role: "LOCK_DIR")
        for mode: mode_t in [0o777, 0o1777, 0o757, 0o703] {
            chmod(dir, mode)
            #expect(throws: FileSafety.Unsafe.self, "mode \(String(mode, radix: 8))") {
                try FileSafety.checkPrivateDirectory(dir, role: "LOCK_DIR")
            }
        }
        chmod(dir, 0o755)
        try FileSafety.checkPrivateDirectory(dir, role: "LOCK_DIR")
        if geteuid() == 0 {
            chmod(dir, 0o770)
            chown(dir, 0, 65534)  // a shared group
            #expect(throws: FileSafety.Unsafe.self) { try FileSafety.checkPrivateDirectory(dir, role: "LOCK_DIR") }
            chown(dir, 0, 0)  // root's private group
            try FileSafety.checkPrivateDirectory(dir, role: "LOCK_DIR")
        }
    }

    @Test func removeRegularFilesNeverDeletesADirectoryOrASymlink() throws {
        let dir = try temporaryDirectory()
        let victim = dir + "/victim"
        try "keep".write(toFile: victim, atomically: false, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: dir + "/db-wal", withIntermediateDirectories: false)
        try "inside".write(toFile: dir + "/db-wal/file", atomically: false, encoding: .utf8)
        try "old".write(toFile: dir + "/db", atomically: false, encoding: .utf8)
        #expect(throws: FileSafety.Unsafe.self) { try FileSafety.removeRegularFiles([dir + "/db", dir + "/db-wal"]) }
        // Checked before anything is deleted: the regular file is still there too.
        #expect(FileManager.default.fileExists(atPath: dir + "/db"))
        #expect(FileManager.default.fileExists(atPath: dir + "/db-wal/file"))
        try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: victim)
        #expect(throws: FileSafety.Unsafe.self) { try FileSafety.removeRegularFiles([dir + "/link"]) }
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "keep")
        try FileSafety.removeRegularFiles([dir + "/db", dir + "/missing"])
        #expect(!FileManager.default.fileExists(atPath: dir + "/db"))
    }
}

/// Lock files are opened no-follow and checked before a byte is written.
@Suite struct JobLockSafetyTests {
    @Test func lockFileSymlinkIsNeverFollowed() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jobctl-lock-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        chmod(dir, 0o700)
        let victim = dir + "/victim.db"
        try "precious bytes".write(toFile: victim, atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: dir + "/job.lock", withDestinationPath: victim)
        #expect {
            _ = try JobLock.tryAcquire(at: dir + "/job.lock", owner: "test")
        } throws: { error in
            "\(error)".contains("symbolic link")
        }
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious bytes")
        #expect(JobLock.holder(at: dir + "/job.lock") == nil)  // not read through the link either

        // A hard link to someone else's file (two links) is refused too.
        try FileManager.default.linkItem(atPath: victim, toPath: dir + "/hard.lock")
        #expect(throws: JobLock.LockError.self) { _ = try JobLock.tryAcquire(at: dir + "/hard.lock", owner: "test") }
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious bytes")
    }

    @Test func sharedLockDirectoryIsRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jobctl-lock-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        chmod(dir, 0o1777)
        #expect {
            _ = try JobLock.tryAcquire(at: dir + "/job.lock", owner: "test")
        } throws: { error in
            "\(error)".contains("writable by group or others")
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/job.lock"))
        chmod(dir, 0o700)
        let lock = try #require(try JobLock.tryAcquire(at: dir + "/job.lock", owner: "test"))
        var info = stat()
        stat(lock.path, &info)
        #expect(info.st_mode & 0o777 == 0o600)
    }
}

struct ConfigSafetyTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
