import Foundation
import JobctlConfig
import JobctlStore
import JobctlTime
import Logging

/// Deterministic pseudo-random fractions per (job, fire): a restart computes the same jitter.
public enum Jitter {
    /// A fraction in [0, 1) from FNV-1a of the job name, the fire time and a salt.
    public static func fraction(job: String, fire: Int64, salt: UInt64 = 0) -> Double {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in job.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        for shift in stride(from: 0, to: 64, by: 8) {
            hash = (hash ^ (UInt64(bitPattern: fire) >> UInt64(shift) & 0xff)) &* 0x100_0000_01b3
        }
        hash = (hash ^ salt) &* 0x100_0000_01b3
        hash ^= hash >> 33
        hash = hash &* 0xff51_afd7_ed55_8ccd
        hash ^= hash >> 33
        return Double(hash >> 11) / Double(UInt64(1) << 53)
    }

    /// The delay before a scheduled run: up to `jitter`, never reaching the next fire.
    public static func delay(job: JobDefinition, fire: Instant, nextFire: Instant?) -> Int64 {
        guard job.jitterMilliseconds > 0 else { return 0 }
        var ms = Int64(Double(job.jitterMilliseconds) * fraction(job: job.name, fire: fire.unixSeconds))
        if let nextFire { ms = min(ms, max(0, nextFire.milliseconds(since: fire) - 1000)) }
        return ms
    }
}
