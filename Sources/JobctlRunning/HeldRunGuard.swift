import Foundation
import Logging

/// A guard being held: released when the last reference goes.
public protocol HeldRunGuard: AnyObject, Sendable {
    /// A descriptor that a command's processes inherit, so that the guard stays held by them if
    /// jobctl dies (`OrphanedRuns`); nil when the guard has none.
    var inheritableDescriptor: Int32? { get }
}
