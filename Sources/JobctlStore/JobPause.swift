import Foundation
import JobctlConfig

/// A job an operator paused: who, when and why. Kept in the state store (`StateStore.pause`),
/// so that every scheduler sharing the store honours it at the job's next fire.
///
/// Decisions:
/// - A pause is one row per job; `resume` deletes it. The history keeps the trace: every fire
///   skipped while paused is a `skipped` row whose reason names who paused and why
///   (`skipReason`), so the pause is still on record after the resume.
/// - `by` and `note` are single lines without control characters (they are printed in tables,
///   log lines and the status page): `by` is cleaned (`cleanedWho`), a note that is not is
///   refused (`checkNote`) rather than silently changed.
public struct JobPause: Sendable, Equatable {
    public var job: String
    /// The OS user of `jobctl pause`, or `http` for the HTTP API (its bearer token's holder).
    public var by: String
    /// When the pause was recorded (the store keeps milliseconds).
    public var at: Date
    /// Why; nil when none was given.
    public var note: String?

    public init(job: String, by: String, at: Date, note: String?) {
        self.job = job
        self.by = by
        self.at = at
        self.note = note
    }

    /// The longest note accepted, in characters.
    public static let maxNoteLength = 500
    /// The longest `by` kept, in characters.
    public static let maxWhoLength = 100

    /// What a note may not be, in one line.
    public struct NoteError: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// The note to record: surrounding whitespace trimmed, nil when empty. Refused when longer
    /// than `maxNoteLength` characters or when it holds a line break or another control
    /// character.
    public static func checkNote(_ note: String?) throws(NoteError) -> String? {
        guard let trimmed = note?.trimmingCharacters(in: .whitespaces), !trimmed.isEmpty else { return nil }
        guard trimmed.count <= maxNoteLength else {
            throw NoteError(description: "the note is longer than \(maxNoteLength) characters (\(trimmed.count))")
        }
        guard !trimmed.unicodeScalars.contains(where: TerminalSafeText.isControl) else {
            throw NoteError(description: "the note must be one line without control characters")
        }
        return trimmed
    }

    /// `who` as recorded: control characters dropped, at most `maxWhoLength` characters,
    /// `unknown` when nothing is left.
    public static func cleanedWho(_ who: String) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: who.unicodeScalars.filter { !TerminalSafeText.isControl($0) })
        let text = String(String(scalars).trimmingCharacters(in: .whitespaces).prefix(maxWhoLength))
        return text.isEmpty ? "unknown" : text
    }

    /// Who, since when, why: `by alice since 2026-11-23T04:00:00.000Z: deploying`.
    public var summary: String {
        "by \(by) since \(HistoryTime.rfc3339(at))" + (note.map { ": \($0)" } ?? "")
    }

    /// The reason of a fire skipped because of this pause, as the history records it; it
    /// always starts with `paused`: `paused by alice at 2026-11-23T04:00:00.000Z: deploying`.
    public var skipReason: String {
        "paused by \(by) at \(HistoryTime.rfc3339(at))" + (note.map { ": \($0)" } ?? "")
    }
}

/// The answer of `StateStore.pause`.
public enum PauseChange: Sendable, Equatable {
    /// The pause is recorded.
    case paused(JobPause)
    /// The job was paused already: this is that pause, and nothing was written.
    case alreadyPaused(JobPause)
}
