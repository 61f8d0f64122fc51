/// Which `Host` headers the server answers: the DNS-rebinding defence.
///
/// A web page on `evil.example` that makes its name resolve to 127.0.0.1 can send requests
/// to this server from the operator's browser, but the browser then sends
/// `Host: evil.example:PORT`. Decision: answer only requests whose `Host` names this server:
/// the listen address itself (`127.0.0.2:8080`), `localhost`, `127.0.0.1` or `[::1]`, each with
/// the port the connection came in on (no port means 80). When listening on `0.0.0.0`, the
/// address of the interface the connection came in on is accepted too (an IP literal cannot
/// be rebound); host names other than `localhost` never are — put a proxy that sets `Host` in
/// front to use one. Anything else, or no `Host`, is refused with 421 before any route runs.
struct HostPolicy: Sendable {
    let listenHost: String

    /// `localAddress`: the address and port this connection was accepted on.
    func allows(_ header: String?, localHost: String?, localPort: Int) -> Bool {
        guard let header, let (host, port) = Self.split(header), port == localPort else { return false }
        var names: Set<String> = ["localhost", "127.0.0.1", "::1"]
        if listenHost != "0.0.0.0" { names.insert(listenHost.lowercased()) }
        if listenHost == "0.0.0.0", let localHost { names.insert(localHost.lowercased()) }
        return names.contains(host.lowercased())
    }

    /// `name:port`, `[v6]:port`, or a name without a port (80). Nil when malformed.
    static func split(_ header: String) -> (host: String, port: Int)? {
        guard !header.isEmpty, header.utf8.count <= 300 else { return nil }
        var host: Substring
        var portText: Substring?
        if header.hasPrefix("[") {
            guard let close = header.firstIndex(of: "]") else { return nil }
            host = header[header.index(after: header.startIndex)..<close]
            let rest = header[header.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { return nil }
                portText = rest.dropFirst()
            }
        } else if let colon = header.firstIndex(of: ":") {
            host = header[..<colon]
            portText = header[header.index(after: colon)...]
        } else {
            host = header[...]
        }
        guard !host.isEmpty else { return nil }
        guard let portText else { return (String(host), 80) }
        guard (1...5).contains(portText.count), portText.allSatisfy({ $0.isASCII && $0.isNumber }),
            let port = Int(portText), port <= 65535
        else { return nil }
        return (String(host), port)
    }
}
