import Hummingbird
import NIOCore

/// The request context of the jobs API: Hummingbird's core context plus the local address
/// the connection was accepted on, for the `Host` check (`HostPolicy`).
struct JobsRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The address of the interface the connection came in on (nil when unknown).
    let localHost: String?
    /// The port the connection came in on (the bound port, also when 0 was asked for).
    let localPort: Int

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        let address = source.channel.localAddress
        localHost = address?.ipAddress
        localPort = address?.port ?? 0
    }
}
