import Foundation
import GRDB

/// Writes a file so that readers see the old or the new content, never a part: a temporary
/// file in the same directory, flushed, then renamed over the target.
public enum AtomicFileWriter {
    public static func write(_ text: String, to path: String) throws {
        let directory = HistoryError.directory(of: path)
        let name = (path as NSString).lastPathComponent
        let temporary = (directory as NSString).appendingPathComponent(
            ".\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else {
            throw HistoryError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
        var ok = false
        defer {
            if !ok { unlink(temporary) }
        }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                close(fd)
                throw HistoryError.cannotWrite(path: path, reason: reason)
            }
            written += n
        }
        if fsync(fd) != 0 || close(fd) != 0 {
            throw HistoryError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
        guard rename(temporary, path) == 0 else {
            throw HistoryError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
        ok = true
    }
}
