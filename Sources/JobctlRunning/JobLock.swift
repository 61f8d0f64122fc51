import Foundation
import JobctlConfig

#if canImport(Glibc)
    import Glibc
#endif

/// A lock file held with `flock`: the kernel frees it when the process dies, so there are no
/// stale locks. The holder's pid, host and start time are written inside for humans.
///
/// A second `open` + `flock` of the same file in the same process is refused too, so a job
/// running in this process is seen as running. The descriptor is close-on-exec; a command job
/// gets a copy on purpose (`descriptor`, see `OrphanedRuns`).
///
/// jobctl writes only its own files: before anything is written, the directory must
/// be private (`FileSafety.checkPrivateDirectory`: ours or root's, not writable by group or
/// others), the file is opened with `O_NOFOLLOW` (a symlink is refused, never followed), and
/// `fstat` of the open descriptor must show a regular file, owned by us, with one link. Only
/// then, under the lock, is it truncated and written. New lock files are created 0600, and an
/// older one of ours is tightened to 0600.
public final class JobLock: Sendable {
    public let path: String
    private let fd: Int32
    /// The locked descriptor, for a command's processes to inherit.
    var descriptor: Int32 { fd }

    public enum LockError: Error, Sendable, CustomStringConvertible {
        case cannotOpen(path: String, reason: String)
        case unsafe(path: String, reason: String)
        public var description: String {
            switch self {
            case .cannotOpen(let path, let reason): "cannot open lock file \(path): \(reason)"
            case .unsafe(let path, let reason): "refusing lock file \(path): \(reason)"
            }
        }
    }

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    /// Takes the lock without waiting. Returns nil when someone else holds it.
    /// `exclusive: false` takes a shared lock (several `overlap=allow` runs at once).
    public static func tryAcquire(at path: String, exclusive: Bool = true, owner: String) throws(LockError) -> JobLock?
    {
        let fd = try openChecked(path, create: true)
        guard flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0 else {
            close(fd)
            return nil
        }
        if exclusive {
            let text = owner + "\n"
            _ = ftruncate(fd, 0)
            _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
        }
        return JobLock(path: path, fd: fd)
    }

    /// Opens the lock file at `path` for reading and writing after the checks above; the
    /// caller owns the descriptor.
    static func openChecked(_ path: String, create: Bool) throws(LockError) -> Int32 {
        do {
            try FileSafety.checkPrivateDirectory((path as NSString).deletingLastPathComponent, role: "lock directory")
        } catch {
            throw .unsafe(path: path, reason: error.description)
        }
        let fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | (create ? O_CREAT : 0), 0o600)
        guard fd >= 0 else {
            let code = errno
            if code == ELOOP { throw .unsafe(path: path, reason: "it is a symbolic link; jobctl never follows one") }
            throw .cannotOpen(path: path, reason: String(cString: strerror(code)))
        }
        var info = stat()
        let problem: String? =
            if fstat(fd, &info) != 0 {
                "cannot inspect it: \(String(cString: strerror(errno)))"
            } else if info.st_mode & S_IFMT != S_IFREG { "it is not a regular file" } else if info.st_uid != geteuid() {
                "it is owned by uid \(info.st_uid), not by this user (\(geteuid()))"
            } else if info.st_nlink != 1 { "it has \(info.st_nlink) hard links; a lock file has one" } else { nil }
        if let problem {
            close(fd)
            throw .unsafe(path: path, reason: problem)
        }
        if info.st_mode & 0o077 != 0 { _ = fchmod(fd, 0o600) }
        return fd
    }

    /// True when nobody holds the lock (probes by taking and releasing it). A lock file that
    /// fails the checks counts as free: nothing of ours can hold it.
    public static func isFree(at path: String) -> Bool {
        guard let fd = try? openChecked(path, create: false) else { return true }  // no file: never locked
        defer { close(fd) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { return false }
        flock(fd, LOCK_UN)
        return true
    }

    /// What the holder wrote into the lock file ("pid 123 on host since …"), if anything: its
    /// first 200 bytes, read without following a symlink.
    public static func holder(at path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_uid == geteuid() else { return nil }
        var buffer = [UInt8](repeating: 0, count: 200)
        let count = read(fd, &buffer, buffer.count)
        guard count > 0 else { return nil }
        let line = String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return line.isEmpty ? nil : line
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}

/// Where a job's lock file lives: `LOCK_DIR/JOB.lock`.
extension JobsConfig {
    public func lockPath(job: String) -> String {
        LockFileRunGuard.path(job: job, in: lockDirectory)
    }

    /// The instance lock of `jobctl run`: one scheduler per state database.
    public var instanceLockPath: String { stateDatabasePath + ".run.lock" }
}
