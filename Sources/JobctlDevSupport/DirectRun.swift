import Foundation
import GRDB
import JobctlArcade
import JobctlConfig
import JobctlRunning
import JobctlStore
import JobctlTime
import Logging

/// Running one built-in job directly, without the scheduler, its lock or its history: the
/// `jobctl-dev _run-builtin` that the arcade's end-to-end tests and benchmarks use.
public enum DirectRun {
    public struct Report: Sendable, Codable, Equatable {
        /// `succeeded`, `partial` or `failed`.
        public var status: String
        public var metrics: JobMetrics?
        public var error: String?
        public var durationMilliseconds: Int64
    }

    public struct OptionError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Validates `key=value` pairs against the job's option specs, as the config does
    /// (`OptionValueParser`).
    public static func parseOptions(_ pairs: [String], for job: BuiltinJobKind) throws -> [String: JobOptionValue] {
        do {
            return try OptionValueParser.builtinOptions(pairs, for: job)
        } catch {
            throw OptionError(description: error.message)
        }
    }

    /// Runs the job and reports what happened; never throws.
    public static func run(_ job: any BuiltinJob, context: JobContext) async -> Report {
        let started = context.now()
        func elapsed() -> Int64 { context.now().milliseconds(since: started) }
        do {
            let result = try await job.run(context)
            return Report(
                status: result.partialFailure == nil ? "succeeded" : "partial", metrics: result.metrics,
                error: result.partialFailure, durationMilliseconds: elapsed())
        } catch let failure as JobFailure {
            return Report(
                status: "failed", metrics: failure.metrics, error: failure.message, durationMilliseconds: elapsed())
        } catch {
            return Report(status: "failed", metrics: nil, error: "\(error)", durationMilliseconds: elapsed())
        }
    }
}
