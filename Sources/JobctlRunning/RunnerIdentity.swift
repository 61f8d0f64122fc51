import Foundation
import JobctlConfig
import JobctlStore
import JobctlTime
import Logging

/// Who is running: written into history rows and lock files.
public struct RunnerIdentity: Sendable {
    public var host: String
    public var pid: Int32
    public var user: String?

    public init(host: String, pid: Int32, user: String?) {
        self.host = host
        self.pid = pid
        self.user = user
    }
}
