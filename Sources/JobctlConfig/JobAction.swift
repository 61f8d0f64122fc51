/// What a job runs.
public enum JobAction: Sendable {
    case builtin(BuiltinJobKind, options: [String: JobOptionValue])
    case command(String)

    public var description: String {
        switch self {
        case .builtin(let kind, _): kind.name
        case .command(let command): "command: \(command)"
        }
    }
}
