import Foundation
import Logging

/// The answer of `RunGuard.acquire`.
public enum RunGuardAttempt: Sendable {
    case held(any HeldRunGuard)
    /// Someone holds it; `holder` is what they wrote about themselves, if anything.
    case busy(holder: String?)
}
