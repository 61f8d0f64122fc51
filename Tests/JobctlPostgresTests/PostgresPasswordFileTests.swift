import Foundation
import JobctlPostgres
import Testing

@Suite("Password file")
struct PostgresPasswordFileTests {
    /// A fresh file holding `text` with `mode`, removed by the caller's `defer`.
    static func passwordFile(_ text: String, mode: Int) throws -> String {
        let path = NSTemporaryDirectory() + "jobctl-pgpass-\(UUID().uuidString)"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    @Test func passwordFileReadableByOthersIsRefused() throws {
        let path = try Self.passwordFile("s3cret\n", mode: 0o644)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let config = try PostgresConfiguration("postgresql://u@h/d", passwordFile: path)
        let error = try #require(throws: PostgresError.self) { try config.conninfo() }
        #expect(error.kind == .passwordFile)
        #expect(error.message.contains("mode 644"))
        #expect(!error.message.contains("s3cret"))
    }

    /// Swift reads "\r\n" as one Character: splitting on "\n" sent the whole file as password.
    @Test func crlfPasswordFileSendsOnlyItsFirstLine() throws {
        let path = try Self.passwordFile("it's\\secret\r\nsecond line\n", mode: 0o600)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let info = try PostgresConfiguration("postgresql://u@h/d", passwordFile: path).conninfo()
        #expect(info.contains(#"password='it\'s\\secret'"#))
        #expect(!info.contains("second line"))
    }

    /// Only root can give a file away.
    @Test(.enabled(if: getuid() == 0, "needs root to chown"))
    func passwordFileOwnedBySomeoneElseIsRefused() throws {
        let nobody = try #require(getpwnam("nobody"))
        let path = try Self.passwordFile("s3cret", mode: 0o600)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(chown(path, nobody.pointee.pw_uid, nobody.pointee.pw_gid) == 0)
        let config = try PostgresConfiguration("postgresql://u@h/d", passwordFile: path)
        let error = try #require(throws: PostgresError.self) { try config.conninfo() }
        #expect(error.message.contains("not by this user"))
    }

    @Test func missingOrEmptyPasswordFileIsRefused() throws {
        let missing = try PostgresConfiguration("postgresql://u@h/d", passwordFile: "/nonexistent/pw")
        #expect(throws: PostgresError.self) { try missing.conninfo() }
        let path = try Self.passwordFile("\n", mode: 0o600)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let empty = try PostgresConfiguration("postgresql://u@h/d", passwordFile: path)
        let error = try #require(throws: PostgresError.self) { try empty.conninfo() }
        #expect(error.message.contains("no password"))
    }
}
