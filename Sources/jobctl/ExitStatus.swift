import ArgumentParser
import Foundation
import JobctlStore

#if canImport(Glibc)
    import Glibc
#endif

/// Exit codes (docs/commands.md#exit-codes): 0 success, 1 a job failed, 2 usage or config error, 75 busy
/// (already running; EX_TEMPFAIL).
enum ExitStatus {
    static let failure: Int32 = 1
    static let usage: Int32 = 2
    static let busy: Int32 = 75
}
