import Foundation

/// The fires won by racing threads, behind a lock.
final class WonFires: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var fires: [Date] = []
    private(set) var errors: [String] = []

    func add(_ fire: Date) {
        lock.lock()
        fires.append(fire)
        lock.unlock()
    }

    func fail(_ error: String) {
        lock.lock()
        errors.append(error)
        lock.unlock()
    }
}
