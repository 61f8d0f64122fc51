import ArgumentParser
import Foundation
import JobctlArcade
import JobctlConfig
import JobctlDevSupport
import JobctlRunning
import JobctlTime
import Logging

/// `jobctl-dev _arcade-writer`: the arcade's writer, simulated for benchmarks.
struct ArcadeWriterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "_arcade-writer", abstract: "Insert one session per transaction; report the longest wait.")

    @Option(name: .customLong("app-db")) var appDB: String
    @Option var seconds: Double = 10
    @Option(name: .customLong("stop-file")) var stopFile: String?
    @Option(help: "Seed of the session ids (default: random).") var seed: UInt64?

    func run() throws {
        do {
            let stats = try ArcadeWriterSimulation.run(
                path: appDB, seconds: seconds, stopFile: stopFile, seed: seed ?? UInt64.random(in: 0...UInt64.max),
                now: { Date() })
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(stats), as: UTF8.self))
        } catch {
            FileHandle.standardError.write(Data("jobctl: error: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
