import Foundation

/// The two encodings of one status answer: everything (a valid bearer token) and without
/// output tails and errors (anonymous readers), built from the same reads.
struct StatusBodies: Sendable {
    var full: Data
    var redacted: Data
}
