import Foundation
import JobctlConfig

#if canImport(Glibc)
    import Glibc
#endif

/// The secret of `POST /api/v1/jobs/trigger/:jobName` (`Authorization: Bearer TOKEN`).
///
/// It comes from the config's `HTTP_TOKEN_FILE` (the whole file, surrounding whitespace and
/// newlines trimmed) or, when that is not set, from `$JOBCTL_HTTP_TOKEN`. With neither, the
/// trigger route answers 403 (disabled): there is no default token.
public struct BearerToken: Sendable {
    private let secret: [UInt8]
    /// Where it came from, for the log ("HTTP_TOKEN_FILE /etc/jobctl/token").
    public let source: String

    /// The shortest token accepted, so that a one-letter test token never reaches production.
    public static let minimumLength = 16

    public struct LoadError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public init(_ secret: String, source: String) throws(LoadError) {
        let trimmed = secret.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.utf8.count >= Self.minimumLength else {
            throw LoadError(
                description: "the HTTP token from \(source) is shorter than \(Self.minimumLength) characters")
        }
        guard !trimmed.contains(where: { $0.isWhitespace || $0.isNewline }) else {
            throw LoadError(description: "the HTTP token from \(source) contains whitespace")
        }
        self.secret = Array(trimmed.utf8)
        self.source = source
    }

    /// The token to use: `tokenFile` (already resolved against the config's directory) wins
    /// over `environment["JOBCTL_HTTP_TOKEN"]`; nil when neither is set.
    public static func load(tokenFile: String?, environment: [String: String]) throws(LoadError) -> BearerToken? {
        if let tokenFile {
            return try BearerToken(try readSecret(tokenFile), source: "HTTP_TOKEN_FILE \(tokenFile)")
        }
        if let value = environment["JOBCTL_HTTP_TOKEN"], !value.isEmpty {
            return try BearerToken(value, source: "$JOBCTL_HTTP_TOKEN")
        }
        return nil
    }

    /// Reads the token file through one descriptor after checking it on that descriptor
    /// (`FileSafety.checkSecret`): a file that group or others may read is refused, because
    /// the token starts money-moving jobs; so is one owned by another user. At most 4 KiB.
    static func readSecret(_ path: String) throws(LoadError) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            throw LoadError(description: "cannot read HTTP_TOKEN_FILE \(path): \(String(cString: strerror(errno)))")
        }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        do {
            try FileSafety.checkSecret(fd: fd, path: path)
        } catch {
            throw LoadError(description: "refusing HTTP_TOKEN_FILE: \(error.description)")
        }
        guard let data = try? handle.read(upToCount: 4096) ?? Data(), let text = String(data: data, encoding: .utf8)
        else {
            throw LoadError(description: "cannot read HTTP_TOKEN_FILE \(path) as UTF-8 text")
        }
        return text
    }

    /// True when `authorization` is `Bearer <this token>` (the scheme in any case). The bytes
    /// are compared in constant time: the loop always covers the whole secret and never exits
    /// early, so the time taken says nothing about how much of a guess was right.
    public func accepts(authorization: String?) -> Bool {
        guard let authorization else { return false }
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return false }
        return Self.constantTimeEquals(Array(parts[1].trimmingCharacters(in: .whitespaces).utf8), secret)
    }

    /// Compares `candidate` with `secret` in time that depends only on `secret.count`.
    static func constantTimeEquals(_ candidate: [UInt8], _ secret: [UInt8]) -> Bool {
        var difference: UInt8 = candidate.count == secret.count ? 0 : 1
        for i in 0..<secret.count {
            let c = i < candidate.count ? candidate[i] : 0
            difference |= c ^ secret[i]
        }
        return difference == 0
    }
}
