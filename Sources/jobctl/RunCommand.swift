import ArgumentParser
import Foundation
import JobctlArcade
import JobctlConfig
import JobctlPostgresStore
import JobctlRunning
import JobctlScheduling
import JobctlStore
import JobctlTime
import Logging

#if canImport(Glibc)
    import Glibc
#endif

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the scheduler in the foreground (stop with SIGINT/SIGTERM, reload with SIGHUP).")

    @OptionGroup var options: ConfigOptions

    @Option(help: "Seconds to wait for running jobs on SIGINT/SIGTERM before interrupting them.")
    var grace: Int = 30

    @Option(
        help: ArgumentHelp(
            "Serve the HTTP API and status page on HOST:PORT (loopback; 0.0.0.0:PORT on purpose; port 0 picks one). Default: HTTP_LISTEN in the config, else off.",
            valueName: "host:port"))
    var http: String?

    func validate() throws {
        guard grace >= 0 else { throw ValidationError("--grace must be 0 or more seconds") }
        try validateHTTP()
    }

    func run() async throws {
        let config = try options.load()
        LineLogHandler.bootstrap()
        let logger = Logger(label: "jobctl")
        let store = try openStore(config)
        let identity = RunnerIdentity.current
        let clock = try Self.clock(for: store, logger: logger)
        // Several `run` share a PostgreSQL STATE_DB (that is its point): no instance lock there.
        let node = (store as? PostgresStateStore).map { PostgresNode(store: $0, logger: logger) }
        let instance = node == nil ? try acquireInstanceLock(config, identity: identity, clock: clock) : nil
        do {
            try node?.start(config)
        } catch {
            throw fail("cannot start this node on STATE_DB: \(error)", code: ExitStatus.failure)
        }
        // The signal sources exist before anything is started or logged (a test or a supervisor
        // that signals on the first log line found the default action still in place: the
        // process died without "Shutting down"); a signal until the loop reads it is buffered.
        let signals = Signals.stream([SIGINT, SIGTERM, SIGHUP])
        let path = options.path
        let scheduler = Scheduler(
            config: config, store: store, clock: clock, logger: logger, identity: identity, jobs: ArcadeJobs.registry,
            runGuard: node.map { _ in FreeRunGuard() }, liveClaims: node?.claims,
            loadConfig: { () throws(ConfigErrors) -> JobsConfig in
                let fresh = try ConfigReader.load(
                    path: path, environment: ProcessInfo.processInfo.environment,
                    catalog: ArcadeJobs.registry.catalog)
                try node?.publishReload(fresh)  // SIGHUP on PostgreSQL: the new digests (§5.1)
                return fresh
            })
        let httpServer = try await startHTTP(config: config, scheduler: scheduler, store: store, logger: logger)
        let nodeLoops = node.map { $0.loops(config, scheduler: scheduler, clock: clock) }
        let (events, eventSink) = AsyncStream.makeStream(of: SchedulerEvent.self)
        let grace = Duration.seconds(grace)
        let signalTask = Task { await Self.forward(signals, to: eventSink, grace: grace, logger: logger) }
        await scheduler.run(events: events)
        nodeLoops?.cancel()
        await nodeLoops?.value
        await node?.hooks.drain(within: grace)  // the hooks of runs it reaped
        node?.stop()
        await httpServer?.stop()
        signalTask.cancel()
        withExtendedLifetime(instance) {}
    }

    /// The scheduler's clock: the system's on SQLite; on PostgreSQL the database's time as this
    /// node estimates it (`DatabaseTimedClock`), measured now and at every heartbeat.
    static func clock(for store: any StateStore, logger: Logger) throws -> any WallClock {
        guard let store = store as? PostgresStateStore else { return SystemWallClock() }
        let clock = DatabaseTimedClock(base: SystemWallClock())
        let offset: TimeInterval
        do {
            offset = try clock.sync(with: store)
        } catch {
            throw fail("cannot read the STATE_DB's clock: \(error)", code: ExitStatus.failure)
        }
        if abs(offset) >= 1 {
            logger.warning(
                "This node's clock is \(String(format: "%+.1f", offset)) s off the database's; it plans by the database's time"
            )
        }
        return clock
    }

    /// SIGHUP reloads; the first SIGINT/SIGTERM shuts down with `grace`; a second one exits now.
    static func forward(
        _ signals: AsyncStream<Int32>, to eventSink: AsyncStream<SchedulerEvent>.Continuation, grace: Duration,
        logger: Logger
    ) async {
        var stopping = false
        for await signal in signals {
            if signal == SIGHUP {
                eventSink.yield(.reload)
            } else if stopping {
                // Exiting now must not leave commands behind: their groups get SIGKILL (their
                // rows are marked interrupted by the next start, once the lock is free).
                logger.warning("Second signal: killing running commands and exiting now")
                RunningProcessGroups.killAll()
                Glibc.exit(130)
            } else {
                stopping = true
                eventSink.yield(.shutdown(grace: grace))
            }
        }
    }

    /// One `jobctl run` per SQLite STATE_DB: its lock file, or exit 75 naming the holder.
    private func acquireInstanceLock(_ config: JobsConfig, identity: RunnerIdentity, clock: any WallClock) throws
        -> JobLock
    {
        let since = TimeText.rfc3339(clock.now().unixSeconds, in: try Zones.named("UTC"))
        let owner = "pid \(identity.pid) on \(identity.host) since \(since)"
        let instance: JobLock?
        do {
            instance = try JobLock.tryAcquire(at: config.instanceLockPath, owner: owner)
        } catch {
            throw fail(error.description, code: ExitStatus.failure)
        }
        guard let instance else {
            let holder = JobLock.holder(at: config.instanceLockPath) ?? "another process"
            throw fail("another 'jobctl run' is using \(config.stateDatabasePath) (\(holder))", code: ExitStatus.busy)
        }
        return instance
    }
}

/// Opens the history database, or exits 1 with a one-line message naming the file.
func openStore(_ config: JobsConfig) throws -> any StateStore {
    do {
        if config.usesPostgres { return try StateStoreOpener.postgres(config) }
        let directory = (config.stateDatabasePath as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        if !config.lockDirectory.isEmpty {
            try? FileManager.default.createDirectory(atPath: config.lockDirectory, withIntermediateDirectories: true)
        }
        // Nobody else may plant a file or symlink where the database or a lock is opened (FileSafety).
        try FileSafety.checkPrivateDirectory(directory, role: "the directory of STATE_DB")
        try FileSafety.checkPrivateDirectory(config.lockDirectory, role: "lock directory")
        return try HistoryStore(path: config.stateDatabasePath)
    } catch {
        throw fail("\(error)", code: ExitStatus.failure)
    }
}
