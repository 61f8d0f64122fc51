import Foundation

/// Where `jobctl run --http` (or `HTTP_LISTEN`) listens.
///
/// Decision: loopback only, unless asked for everything in so many words. `127.0.0.1:8080`,
/// `localhost:8080`, `[::1]:8080` and a bare `8080` (= `127.0.0.1:8080`) are accepted; so is
/// `0.0.0.0:PORT` (every IPv4 interface, logged as a warning) because nobody types that by
/// accident. Any other address (a LAN address, `[::]`, a host name) is refused: the API can
/// start money-moving jobs, and putting it on a network is a decision for a reverse proxy with
/// TLS, not for a typo. Port 0 picks a free port; the log says which
/// (`HTTP listening on 127.0.0.1:PORT`).
public struct HTTPListenAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    /// True for `0.0.0.0`: reachable from other machines.
    public var isPublic: Bool { host == "0.0.0.0" }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public struct ParseError: Error, Sendable, CustomStringConvertible, Equatable {
        public var description: String
    }

    /// Parses `HOST:PORT`, `[IPV6]:PORT` or `PORT` with the loopback policy above.
    public static func parse(_ text: String) throws(ParseError) -> HTTPListenAddress {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var host: String
        var portText: Substring
        if trimmed.hasPrefix("[") {
            guard let close = trimmed.firstIndex(of: "]"), trimmed[trimmed.index(after: close)...].hasPrefix(":") else {
                throw ParseError(description: "'\(text)' is not HOST:PORT (e.g. 127.0.0.1:8080 or [::1]:8080)")
            }
            host = String(trimmed[trimmed.index(after: trimmed.startIndex)..<close])
            portText = trimmed[trimmed.index(close, offsetBy: 2)...]
        } else if let colon = trimmed.lastIndex(of: ":") {
            host = String(trimmed[..<colon])
            portText = trimmed[trimmed.index(after: colon)...]
            if host.contains(":") {
                throw ParseError(description: "'\(text)': write an IPv6 address in brackets, e.g. [::1]:8080")
            }
        } else {
            host = "127.0.0.1"
            portText = trimmed[...]
        }
        guard !portText.isEmpty, portText.allSatisfy(\.isASCII), portText.allSatisfy(\.isNumber),
            let port = Int(portText), port <= 65535
        else {
            throw ParseError(description: "'\(text)': the port must be a number from 0 to 65535 (0 picks a free port)")
        }
        if host.isEmpty { host = "127.0.0.1" }
        if host.lowercased() == "localhost" { host = "127.0.0.1" }
        guard isLoopback(host) || host == "0.0.0.0" else {
            throw ParseError(
                description:
                    "'\(text)': refusing to listen on a non-loopback address; use 127.0.0.1:PORT (or [::1]:PORT), or 0.0.0.0:PORT to listen on every interface on purpose"
            )
        }
        return HTTPListenAddress(host: host, port: port)
    }

    /// 127.0.0.0/8 and ::1.
    public static func isLoopback(_ host: String) -> Bool {
        if host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "127" else { return false }
        return parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isNumber) && (Int(part) ?? 256) <= 255
        }
    }
}
