import ArgumentParser
import Foundation
import JobctlConfig
import JobctlPostgresStore
import JobctlStore
import JobctlTime

/// `jobctl nodes`: the nodes of a PostgreSQL `STATE_DB` (docs/several-hosts.md §5.1), newest
/// start first, one line each: id, host, pid, version, last heartbeat, config digest, state
/// and running runs. With a SQLite `STATE_DB` there are no nodes: one line says so, exit 0.
struct NodesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nodes", abstract: "The nodes sharing a PostgreSQL STATE_DB, and what each is running.")

    @OptionGroup var database: StateDatabaseOptions

    @Flag(help: "JSON output.") var json = false

    func run() throws {
        let resolved = try database.resolve()
        guard StateDatabaseURL.isURL(resolved.path) else {
            HistoryCLI.write(
                json ? "[]\n" : "no nodes: nodes exist only with a PostgreSQL STATE_DB (postgresql://…)\n")
            return
        }
        let records: [NodeRecord]
        do {
            guard
                let store = try StateStoreOpener.openForReading(resolved.path, config: resolved.config)
                    as? PostgresStateStore
            else { return }
            records = try store.nodes()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw HistoryCLI.fail("cannot read the nodes: \(error)", code: ExitStatus.failure)
        }
        HistoryCLI.write(json ? try Self.json(records) : Self.text(records))
    }

    static func time(_ date: Date) -> String { TimeText.rfc3339UTC(milliseconds: HistoryTime.milliseconds(date)) }

    static func state(_ node: NodeRecord) -> String {
        node.stoppedAt != nil ? "stopped" : node.isLive ? "live" : "silent"
    }

    static func text(_ records: [NodeRecord]) -> String {
        guard !records.isEmpty else { return "no nodes yet\n" }
        return records.map { node in
            let runs = node.running.map { "\($0.runID) \($0.job)" }.joined(separator: ", ")
            let fields = [
                node.nodeID, "host=\(node.host)", "pid=\(node.pid)", "version=\(node.version)",
                "heartbeat=\(time(node.heartbeatAt))", "digest=\(node.configDigest)", state(node),
                "running=\(node.running.count)\(runs.isEmpty ? "" : " (\(runs))")",
            ]
            return TerminalSafeText.escaped(fields.joined(separator: "  ")) + "\n"
        }.joined()
    }

    struct NodeJSON: Encodable {
        struct Run: Encodable {
            var runID: Int64
            var job: String
            var scheduledAt: String?
            var startedAt: String
            var leaseUntil: String
        }
        var nodeID, host: String
        var pid: Int32
        var version, configDigest, startedAt, heartbeatAt: String
        var stoppedAt: String?
        var state: String
        var running: [Run]
    }

    static func json(_ records: [NodeRecord]) throws -> String {
        let rows = records.map { node in
            NodeJSON(
                nodeID: node.nodeID, host: node.host, pid: node.pid, version: node.version,
                configDigest: node.configDigest, startedAt: time(node.startedAt), heartbeatAt: time(node.heartbeatAt),
                stoppedAt: node.stoppedAt.map(time), state: state(node),
                running: node.running.map { run in
                    NodeJSON.Run(
                        runID: run.runID, job: run.job, scheduledAt: run.scheduledAt.map(time),
                        startedAt: time(run.startedAt), leaseUntil: time(run.leaseUntil))
                })
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(rows), as: UTF8.self) + "\n"
    }
}
