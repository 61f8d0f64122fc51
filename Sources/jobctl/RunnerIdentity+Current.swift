import Foundation
import JobctlRunning

#if canImport(Glibc)
    import Glibc
#endif

extension RunnerIdentity {
    static var current: RunnerIdentity {
        var name = [CChar](repeating: 0, count: 256)
        let host = gethostname(&name, 255) == 0 ? String(cString: name) : "localhost"
        let env = ProcessInfo.processInfo.environment
        let account = getpwuid(getuid()).flatMap { $0.pointee.pw_name.map { String(cString: $0) } }
        return RunnerIdentity(
            host: host, pid: getpid(), user: env["USER"] ?? env["LOGNAME"] ?? account ?? "uid \(getuid())")
    }
}
