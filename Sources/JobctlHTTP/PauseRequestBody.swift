import Foundation
import JobctlConfig
import JobctlReports
import JobctlRunning
import JobctlScheduling
import JobctlStore
import Logging

/// The optional body of `POST /api/v1/jobs/pause/:job`: nothing, or a JSON object
/// `{"note": "…"}` (`note` a string or null). At most `maxBytes`; any other key, a note that
/// `JobPause.checkNote` refuses, or anything but such an object is refused (400) with the reason,
/// so that a typo (`"notes"`) never drops the note silently.
enum PauseRequestBody {
    static let maxBytes = 4096

    struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        var description: String
    }

    /// The note to record (nil: none).
    static func note(from body: Data) throws(Invalid) -> String? {
        if body.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) { return nil }
        guard let value = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]),
            let object = value as? [String: Any]
        else {
            throw Invalid(description: #"the body must be empty or a JSON object like {"note": "why"}"#)
        }
        let unknown = object.keys.filter { $0 != "note" }.sorted()
        if let first = unknown.first {
            throw Invalid(description: "unknown key '\(first.prefix(40))' (the body takes only \"note\")")
        }
        let raw: String?
        switch object["note"] {
        case nil, is NSNull: raw = nil
        case let text as String: raw = text
        default: throw Invalid(description: "note must be a string")
        }
        do {
            return try JobPause.checkNote(raw)
        } catch {
            throw Invalid(description: "note: \(error.description)")
        }
    }
}
