import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Who a node is (docs/several-hosts.md §3): one `jobctl run` or `jobctl trigger` process.
///
/// Its id is `host:pid:random`, the random part 64 bits from `SystemRandomNumberGenerator`, new
/// at every start. Never the hostname alone, and never reused by a restarted process: a lost
/// `CLAIM` reply is adopted by matching `owner_node`, which is only safe while no two processes
/// share an identity (the model's `SHARED_IDENTITY` variant shows the double run otherwise).
public struct NodeIdentity: Sendable, Hashable, CustomStringConvertible {
    public let host: String
    public let pid: Int32
    /// 16 lower-case hex digits.
    public let random: String

    public init(host: String, pid: Int32, random: UInt64) {
        self.host = host
        self.pid = pid
        let hex = String(random, radix: 16)
        self.random = String(repeating: "0", count: max(0, 16 - hex.count)) + hex
    }

    /// This process: the host name, the pid, and a fresh random part.
    public static func current() -> NodeIdentity {
        var generator = SystemRandomNumberGenerator()
        return NodeIdentity(host: hostName(), pid: getpid(), random: generator.next())
    }

    /// `host:pid:random`, as `owner_node` and `jobctl_node.node_id` hold it.
    public var id: String { "\(host):\(pid):\(random)" }

    public var description: String { id }

    /// The kernel's host name; "localhost" when it cannot be read (the pid and the random part
    /// still make the id unique).
    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "localhost" : name
    }
}
