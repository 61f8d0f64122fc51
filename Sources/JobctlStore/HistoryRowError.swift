import Foundation
import GRDB

/// A row whose values this binary cannot read.
struct HistoryRowError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
