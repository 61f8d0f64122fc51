import Foundation
import Synchronization

/// Loads IANA zones by name, shares one `ZoneRules` (and its segment cache) per zone, and
/// suggests the closest identifiers for a name it does not know.
public enum Zones {
    private static let loaded = Mutex<[String: ZoneRules]>([:])

    public enum LookupError: Error, Sendable, Equatable, CustomStringConvertible {
        case unknown(name: String, suggestions: [String])
        case tooLong(length: Int)

        public var description: String {
            switch self {
            case .unknown(let name, let suggestions):
                let hint =
                    suggestions.isEmpty
                    ? "" : " (did you mean \(suggestions.map { "'\($0)'" }.joined(separator: ", "))?)"
                return "unknown time zone '\(name)'\(hint)"
            case .tooLong(let length):
                return "a time zone name of \(length) bytes is not one (the limit is \(Zones.maximumNameLength))"
            }
        }
    }

    /// The longest zone name looked up (IANA names are at most about 32 characters): a longer
    /// one is refused before any file lookup or suggestion work.
    public static let maximumNameLength = 256

    public static func named(_ name: String) throws(LookupError) -> ZoneRules {
        guard name.utf8.count <= maximumNameLength else { throw .tooLong(length: name.utf8.count) }
        if let hit = loaded.withLock({ $0[name] }) { return hit }
        // IANA names only: Foundation also accepts abbreviations and offsets like "GMT+5".
        // A name with a tzdata file is one; without tzdata, ICU's list decides (it lists
        // canonical names; links such as Asia/Kolkata and Etc/GMT+5 have a slash).
        guard let zone = ZoneRules(identifier: name),
            zone.hasTZdata || name.contains("/") || knownIdentifiers.contains(name)
        else {
            throw .unknown(name: name, suggestions: suggestions(for: name))
        }
        return loaded.withLock { cache in
            if let hit = cache[name] { return hit }
            cache[name] = zone
            return zone
        }
    }

    /// The machine's zone: `TZ`, else the zone `/etc/localtime` links to, read with the tzdata
    /// reader, else Foundation's `TimeZone.current` (a copied `/etc/localtime` reads as GMT on
    /// Linux Foundation; the config's `TZ=` should win, and `jobctl list` says which zone each
    /// job uses). Decision: the symlink first because asking Foundation loads ICU's zone data,
    /// which an idle `jobctl run` otherwise never touches (2 to 3.5 MB of RSS, docs/benchmarks.md).
    public static func current(environment: [String: String], localtime: String = "/etc/localtime") -> ZoneRules {
        if let tz = environment["TZ"], let zone = try? named(tz.hasPrefix(":") ? String(tz.dropFirst()) : tz) {
            return zone
        }
        if let identifier = linkedIdentifier(localtime), let zone = try? named(identifier), zone.hasTZdata {
            return zone
        }
        let current = ZoneRules.foundation.withLock { _ in TimeZone.current }
        return (try? named(current.identifier)) ?? ZoneRules(current)
    }

    /// The zone identifier a `/etc/localtime` symlink names (`…/zoneinfo/Europe/Berlin` →
    /// `Europe/Berlin`); nil when it is not a symlink into a `zoneinfo` directory.
    static func linkedIdentifier(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        let target = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let range = target.range(of: "zoneinfo/", options: .backwards) else { return nil }
        var identifier = String(target[range.upperBound...])
        if identifier.hasPrefix("posix/") { identifier.removeFirst("posix/".count) }
        // `right/` zones count leap seconds, which jobctl's schedules do not: Foundation decides.
        return identifier.isEmpty || identifier.hasPrefix("right/") ? nil : identifier
    }

    static let knownIdentifiers: Set<String> = {
        var ids = ZoneRules.foundation.withLock { _ in Set(TimeZone.knownTimeZoneIdentifiers) }
        ids.formUnion(["UTC", "GMT", "Etc/UTC", "Etc/GMT"])
        return ids
    }()

    /// The three identifiers closest to `name` by edit distance (case-insensitive), the exact
    /// case-insensitive match first.
    public static func suggestions(for name: String) -> [String] {
        // Suggestions are for typos of real names; a long input would cost O(length) per name.
        guard name.utf8.count <= 64 else { return [] }
        let lower = name.lowercased()
        if let exact = knownIdentifiers.first(where: { $0.lowercased() == lower }) { return [exact] }
        let target = Array(lower.utf8)
        let scored = knownIdentifiers.map { id -> (Int, String) in
            let candidate = Array(id.lowercased().utf8)
            // A name that matches the city part alone (`new_york`) is close.
            let city = Array((id.split(separator: "/").last.map(String.init) ?? id).lowercased().utf8)
            return (min(editDistance(target, candidate), editDistance(target, city) + 1), id)
        }
        let limit = max(3, target.count / 3)
        return scored.filter { $0.0 <= limit }.sorted { $0 < $1 }.prefix(3).map(\.1)
    }

    package static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
