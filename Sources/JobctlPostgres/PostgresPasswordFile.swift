import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reads the password of `STATE_DB_PASSWORD_FILE` (and the like): the first line of a regular
/// file owned by the effective user and readable by no one else (mode 0600 or 0400, like
/// libpq's own passfile rule). The checks run on the opened descriptor, so the file checked
/// is the file read.
enum PostgresPasswordFile {
    static let maxBytes = 4096

    static func read(_ path: String) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure(path, "cannot be opened: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure(path, "cannot be examined") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw failure(path, "is not a regular file") }
        guard info.st_uid == geteuid() else {
            throw failure(path, "is owned by uid \(info.st_uid), not by this user (uid \(geteuid()))")
        }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw failure(path, "has mode \(String(mode, radix: 8)): others can read it; chmod 600 it")
        }
        let text = try contents(fd, path)
        // Not split(separator: "\n"): Swift reads "\r\n" as one Character, which "\n" does not
        // match, so a CRLF file would hand libpq its whole content as the password.
        let password = String(text.prefix { !$0.isNewline })
        guard !password.isEmpty else { throw failure(path, "holds no password on its first line") }
        guard !password.contains("\0") else { throw failure(path, "contains a NUL character") }
        return password
    }

    private static func contents(_ fd: Int32, _ path: String) throws -> String {
        var buffer = [UInt8](repeating: 0, count: maxBytes + 1)
        var total = 0
        while total < buffer.count {
            let n = buffer.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return -1 }
                return Glibc.read(fd, base + total, raw.count - total)
            }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw failure(path, "cannot be read") }
            if n == 0 { break }
            total += n
        }
        guard total <= maxBytes else { throw failure(path, "is larger than \(maxBytes) bytes") }
        guard let text = String(bytes: buffer[..<total], encoding: .utf8) else {
            throw failure(path, "is not UTF-8 text")
        }
        return text
    }

    private static func failure(_ path: String, _ problem: String) -> PostgresError {
        PostgresError(.passwordFile, "password file \(path) \(problem)")
    }
}
