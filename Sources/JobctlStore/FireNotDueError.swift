import Foundation

/// A claim refused because the fire is not due yet by the store's clock. Several hosts: the
/// database's clock decides what is due, and a node whose clock runs ahead wakes early. The
/// claimer waits `notDueWait` and claims the same fire again (`NOT_DUE` in
/// docs/several-hosts.md §5.3): a not-due fire is never "taken", or a fire whose every node
/// runs ahead would never run (the model's `NOT_DUE_IS_TAKEN` counterexample).
public protocol FireNotDueError: Error {
    /// How long until the fire is due by the store's clock; nil when the error is another one.
    var notDueWait: Duration? { get }
}
