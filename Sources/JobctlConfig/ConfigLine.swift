/// One line of the config being read: where it is, its text (without a trailing CR) and its
/// words.
struct ConfigLine {
    var path: String
    var number: Int
    var text: String
    var tokens: [Token]

    /// `problem` at `column` of this line, `width` characters wide.
    func error(_ problem: ConfigProblem, at column: Int, width: Int = 1) -> ConfigError {
        ConfigError(
            location: ConfigLocation(path: path, line: number, column: column), problem: problem, lineText: text,
            width: width)
    }
}
