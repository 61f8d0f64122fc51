import Foundation
import Testing

@testable import JobctlTime

/// The machine's zone comes from the `/etc/localtime` symlink through the tzdata reader, so an
/// idle scheduler never loads ICU's zone data just to learn it (issue 13's idle memory).
@Suite struct MachineZoneTests {
    func link(to target: String) throws -> (path: String, cleanup: () -> Void) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jobctl-zone-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("localtime").path
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
        return (path, { try? FileManager.default.removeItem(at: dir) })
    }

    @Test func theMachineZoneIsTheOneLocaltimeLinksTo() throws {
        let tokyo = try link(to: "/usr/share/zoneinfo/Asia/Tokyo")
        defer { tokyo.cleanup() }
        #expect(Zones.current(environment: [:], localtime: tokyo.path).identifier == "Asia/Tokyo")
        let posix = try link(to: "../usr/share/zoneinfo/posix/Europe/Berlin")
        defer { posix.cleanup() }
        #expect(Zones.linkedIdentifier(posix.path) == "Europe/Berlin")
    }

    @Test func tzStillWinsAndAnUnusableLinkFallsBackToFoundation() throws {
        let tokyo = try link(to: "/usr/share/zoneinfo/Asia/Tokyo")
        defer { tokyo.cleanup() }
        #expect(Zones.current(environment: ["TZ": "Europe/Paris"], localtime: tokyo.path).identifier == "Europe/Paris")
        let nowhere = try link(to: "/nonexistent/zone")
        defer { nowhere.cleanup() }
        #expect(Zones.linkedIdentifier(nowhere.path) == nil)
        #expect(Zones.linkedIdentifier("/definitely/not/a/link") == nil)
        let fallback = Zones.current(environment: [:], localtime: nowhere.path)
        #expect(!fallback.identifier.isEmpty)
    }
}
