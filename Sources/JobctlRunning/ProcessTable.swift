import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What Linux's `/proc` says about processes: the live members of a process group, and who
/// holds a given file open. Zombies count as gone (they hold nothing and run nothing, and an
/// init that never reaps must not make jobctl wait forever). Processes of other users that
/// we can't inspect are skipped: jobctl only ever ends processes of its own runs.
public enum ProcessTable {
    /// The pids of live (not zombie) processes whose process group is `group`.
    static func liveMembers(ofGroup group: pid_t) -> [pid_t] {
        // Fast path: no process at all in the group.
        if kill(-group, 0) != 0, errno == ESRCH { return [] }
        return pids().filter { pid in
            guard let stat = processStat(of: pid) else { return false }
            return stat.group == group && stat.state != "Z" && stat.state != "X"
        }
    }

    /// True when `pid` is a live process (not a zombie).
    public static func isAlive(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 || errno == EPERM, let stat = processStat(of: pid) else { return false }
        return stat.state != "Z" && stat.state != "X"
    }

    struct Holder: Sendable, Equatable {
        var pid: pid_t
        /// The descriptor is close-on-exec. jobctl's own lock descriptors are (`O_CLOEXEC`);
        /// the copy a command inherits is not.
        var closeOnExec: Bool
        /// The descriptor's open file holds a `flock` on the file (its `fdinfo` has a `lock:`
        /// line). Someone merely reading the file (`cat`) has an open file of its own, without.
        var holdsLock: Bool
    }

    /// Every process (that we may inspect) with a descriptor on the file `device`/`inode`.
    static func holders(device: UInt64, inode: UInt64) -> [Holder] {
        var found: [Holder] = []
        for pid in pids() {
            let directory = "/proc/\(pid)/fd"
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { continue }
            for entry in entries {
                var info = stat()
                guard stat("\(directory)/\(entry)", &info) == 0,
                    UInt64(info.st_dev) == device, UInt64(info.st_ino) == inode
                else { continue }
                let (closeOnExec, holdsLock) = descriptorInfo(pid: pid, fd: entry)
                found.append(Holder(pid: pid, closeOnExec: closeOnExec, holdsLock: holdsLock))
            }
        }
        return found
    }

    /// True when `pid` was started with `entry` (`NAME=value`) in its environment
    /// (`/proc/PID/environ`: the environment it was exec'd with). Unreadable: false.
    static func environment(of pid: pid_t, contains entry: String) -> Bool {
        guard let text = read("/proc/\(pid)/environ") else { return false }
        return text.split(separator: "\0").contains { $0 == entry }
    }

    /// The numeric entries of `/proc`.
    static func pids() -> [pid_t] {
        guard let directory = opendir("/proc") else { return [] }
        defer { closedir(directory) }
        var result: [pid_t] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if let pid = pid_t(name), pid > 0 { result.append(pid) }
        }
        return result
    }

    /// State letter and process group from `/proc/PID/stat` ("pid (comm) S ppid pgrp …"; the
    /// command name may contain spaces and parentheses, so fields are read after the last ')').
    static func processStat(of pid: pid_t) -> (state: Character, group: pid_t)? {
        guard let text = read("/proc/\(pid)/stat"), let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 2, let state = fields[0].first, let group = pid_t(fields[2]) else { return nil }
        return (state, group)
    }

    /// From `/proc/PID/fdinfo/FD`: whether the descriptor is close-on-exec (its octal `flags:`
    /// include `O_CLOEXEC`) and whether its open file holds a lock (a `lock:` line). Unreadable:
    /// counted as close-on-exec and holding, i.e. as possibly jobctl's own.
    static func descriptorInfo(pid: pid_t, fd: String) -> (closeOnExec: Bool, holdsLock: Bool) {
        guard let text = read("/proc/\(pid)/fdinfo/\(fd)") else { return (true, true) }
        let lines = text.split(separator: "\n")
        let flags = lines.first { $0.hasPrefix("flags:") }.flatMap {
            Int($0.dropFirst("flags:".count).trimmingCharacters(in: .whitespaces), radix: 8)
        }
        return (flags.map { $0 & Int(O_CLOEXEC) != 0 } ?? true, lines.contains { $0.hasPrefix("lock:") })
    }

    static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
