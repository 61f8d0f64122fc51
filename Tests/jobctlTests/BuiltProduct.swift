import Foundation

/// Where `swift build` puts a product of this package, and whether that file is current.
enum BuiltProduct {
    /// `.build/debug/NAME`, or the path in the environment variable `override`.
    static func path(_ name: String, override: String) -> String {
        if let path = ProcessInfo.processInfo.environment[override] { return path }
        return Binary.packageRoot.appendingPathComponent(".build/debug/\(name)").path
    }

    /// Why the binary can't be trusted, if it can't: missing, or older than an object file it
    /// links (a plain `swift test` rebuilds the libraries but may not relink an executable, so it
    /// would test a stale one). The objects are the ones SwiftPM's link file list names for the
    /// product; objects, not sources, because SwiftPM doesn't rebuild a source that was only
    /// touched. nil when `override` is set (a binary given on purpose).
    static func staleness(_ name: String, override: String) -> String? {
        if ProcessInfo.processInfo.environment[override] != nil { return nil }
        let path = path(name, override: override)
        let manager = FileManager.default
        func modified(_ file: String) -> Date? {
            (try? manager.attributesOfItem(atPath: file))?[.modificationDate] as? Date
        }
        let fix = "run `swift build` first (`make test` does; it builds jobctl and jobctl-dev)"
        guard let built = modified(path) else { return "\(path) does not exist: \(fix)" }
        let list = URL(fileURLWithPath: path).deletingLastPathComponent()
            .appendingPathComponent("\(name).product/Objects.LinkFileList").path
        let objects = ((try? String(contentsOfFile: list, encoding: .utf8)) ?? "").split(separator: "\n")
        for object in objects {
            let file = object.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
            if let changed = modified(file), changed > built {
                return "\(path) is older than \(file), which it links: \(fix)"
            }
        }
        return nil
    }
}
