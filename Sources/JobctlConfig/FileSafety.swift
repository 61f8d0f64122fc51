import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Who may write what jobctl trusts, decided in one place.
///
/// Decisions:
/// - **Trusted owners** are jobctl's own user and root. A file or directory that another
///   user owns could be changed under us, so it is refused (cron refuses a foreign crontab
///   the same way). Root running jobctl trusts only root-owned files.
/// - **The config** (`jobs.conf`) runs shell commands as jobctl's user: it must not be
///   writable by group or others, and must have a trusted owner.
/// - **The token file** (`HTTP_TOKEN_FILE`) is a secret: no permission bit at all for group or
///   others (`chmod 600`), and a trusted owner.
/// - **Directories jobctl creates files in** (`LOCK_DIR`, the directory of `STATE_DB`) must not
///   be writable by group or others, with no exception for the sticky bit (`/tmp`): someone
///   else could plant a file or a symlink there before us. Owned by us or root.
/// - **Group-writable** means writable by someone else, except for the user's private group
///   (the file's group is the user's primary group, has the user's name and no other member:
///   the convention of `umask 002` systems, where every file is group-writable). The same
///   exception as Debian's OpenSSH for `~/.ssh`.
/// - **Deleting** (`demo-data --force`) removes regular files only, never a directory or a
///   symlink.
public enum FileSafety {
    public struct Unsafe: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    /// The status of an open descriptor (no path lookup, so no race with a rename).
    static func status(fd: Int32) -> stat? {
        var info = stat()
        return fstat(fd, &info) == 0 ? info : nil
    }

    /// The status of `path`, following symlinks (`lstat` with `follow: false`).
    static func status(path: String, follow: Bool = true) -> stat? {
        var info = stat()
        let result = follow ? stat(path, &info) : lstat(path, &info)
        return result == 0 ? info : nil
    }

    static func isTrustedOwner(_ uid: uid_t) -> Bool { uid == geteuid() || uid == 0 }

    static func ownerText(_ uid: uid_t) -> String {
        if let entry = getpwuid(uid), let name = entry.pointee.pw_name {
            return "\(String(cString: name)) (uid \(uid))"
        }
        return "uid \(uid)"
    }

    /// True when someone other than us may write a file with this status.
    static func writableByOthers(_ info: stat) -> Bool {
        if info.st_mode & 0o002 != 0 { return true }
        return info.st_mode & 0o020 != 0 && !isPrivateGroup(info.st_gid)
    }

    /// The user's private group: their primary group, named like them, with no other member.
    static func isPrivateGroup(_ gid: gid_t) -> Bool {
        guard let user = getpwuid(geteuid()), user.pointee.pw_gid == gid, let name = user.pointee.pw_name,
            let group = getgrgid(gid), let groupName = group.pointee.gr_name, strcmp(name, groupName) == 0
        else { return false }
        var member = group.pointee.gr_mem
        while let entry = member?.pointee {
            if strcmp(entry, name) != 0 { return false }
            member = member?.advanced(by: 1)
        }
        return true
    }

    static func modeText(_ mode: mode_t) -> String { String(format: "%04o", Int(mode & 0o7777)) }

    static func isDirectory(_ info: stat) -> Bool { info.st_mode & S_IFMT == S_IFDIR }
    static func isRegular(_ info: stat) -> Bool { info.st_mode & S_IFMT == S_IFREG }

    /// Why the config file open at `fd` must not be trusted, or nil when it may be.
    public static func configProblem(fd: Int32) -> ConfigProblem? {
        guard let info = status(fd: fd) else { return .cannotInspect(reason: String(cString: strerror(errno))) }
        guard isRegular(info) else { return .notRegularFile }
        if !isTrustedOwner(info.st_uid) {
            return .foreignOwner(owner: ownerText(info.st_uid), user: ownerText(geteuid()))
        }
        if writableByOthers(info) {
            let who = info.st_mode & 0o002 != 0 ? "others" : "its group"
            return .writableByOthers(who: who, mode: modeText(info.st_mode), user: ownerText(geteuid()))
        }
        return nil
    }

    /// Checks the secret file open at `fd` (`HTTP_TOKEN_FILE`).
    public static func checkSecret(fd: Int32, path: String) throws(Unsafe) {
        guard let info = status(fd: fd) else {
            throw Unsafe("cannot inspect \(path): \(String(cString: strerror(errno)))")
        }
        guard isRegular(info) else { throw Unsafe("\(path) is not a regular file") }
        guard isTrustedOwner(info.st_uid) else {
            throw Unsafe("\(path) is owned by \(ownerText(info.st_uid)), not by \(ownerText(geteuid())) or root")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw Unsafe(
                "\(path) is readable or writable by group or others (mode \(modeText(info.st_mode))): chmod 600 it")
        }
    }

    /// Checks a directory jobctl creates its files in: an existing directory, owned by us (or
    /// root), not writable by group or others (sticky bit or not).
    public static func checkPrivateDirectory(_ path: String, role: String) throws(Unsafe) {
        let shown = path.isEmpty ? "." : path
        guard let info = status(path: shown) else {
            throw Unsafe("\(role) \(shown): \(String(cString: strerror(errno)))")
        }
        guard isDirectory(info) else { throw Unsafe("\(role) \(shown) is not a directory") }
        guard isTrustedOwner(info.st_uid) else {
            throw Unsafe(
                "\(role) \(shown) is owned by \(ownerText(info.st_uid)), not by \(ownerText(geteuid())) or root")
        }
        guard !writableByOthers(info) else {
            throw Unsafe(
                "\(role) \(shown) is writable by group or others (mode \(modeText(info.st_mode))): "
                    + "others could plant files or symlinks there; use a private directory (chmod 700)")
        }
    }

    /// Deletes those of `paths` that exist, when every one of them is a regular file (all are
    /// checked before any is deleted). A directory, a symlink or anything else is refused,
    /// never followed or emptied.
    public static func removeRegularFiles(_ paths: [String]) throws(Unsafe) {
        var existing: [String] = []
        for path in paths {
            guard let info = status(path: path, follow: false) else {
                if errno == ENOENT { continue }
                throw Unsafe("cannot inspect \(path): \(String(cString: strerror(errno)))")
            }
            switch info.st_mode & S_IFMT {
            case S_IFREG: existing.append(path)
            case S_IFDIR: throw Unsafe("\(path) is a directory; refusing to delete it")
            case S_IFLNK: throw Unsafe("\(path) is a symbolic link; refusing to delete it or what it points to")
            default: throw Unsafe("\(path) is not a regular file; refusing to delete it")
            }
        }
        for path in existing where unlink(path) != 0 && errno != ENOENT {
            throw Unsafe("cannot remove \(path): \(String(cString: strerror(errno)))")
        }
    }
}
