import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A lock file held with `flock`: the kernel frees it when the process dies, so there are no
/// stale locks. The holder's pid, host and start time are written inside for humans.
///
/// A second `open` + `flock` of the same file in the same process is refused too, so a job
/// running in this process is seen as running. The descriptor is close-on-exec; a command job
/// gets a copy on purpose (`descriptor`, see `OrphanedRuns`).
public final class JobLock: Sendable {
    public let path: String
    private let fd: Int32
    /// The locked descriptor, for a command's processes to inherit.
    var descriptor: Int32 { fd }

    public enum LockError: Error, Sendable, CustomStringConvertible {
        case cannotOpen(path: String, reason: String)
        public var description: String {
            switch self {
            case .cannotOpen(let path, let reason): "cannot open lock file \(path): \(reason)"
            }
        }
    }

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    /// Takes the lock without waiting. Returns nil when someone else holds it.
    /// `exclusive: false` takes a shared lock (several `overlap=allow` runs at once).
    public static func tryAcquire(at path: String, exclusive: Bool = true, owner: String) throws(LockError) -> JobLock? {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw .cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
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

    /// True when nobody holds the lock (probes by taking and releasing it).
    public static func isFree(at path: String) -> Bool {
        let fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return true }  // no file: never locked
        defer { close(fd) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { return false }
        flock(fd, LOCK_UN)
        return true
    }

    /// What the holder wrote into the lock file ("pid 123 on host since …"), if anything.
    public static func holder(at path: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let line = text.trimmingCharacters(in: .whitespacesAndNewlines)
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
        (lockDirectory as NSString).appendingPathComponent("\(job).lock")
    }

    /// The instance lock of `jobctl run`: one scheduler per state database.
    public var instanceLockPath: String { stateDatabasePath + ".run.lock" }
}
