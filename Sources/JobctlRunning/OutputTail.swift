import Synchronization

/// The last `limit` bytes of output, cut at a character boundary.
final class OutputTail: Sendable {
    private let bytes = Mutex<[UInt8]>([])
    private let limit: Int

    init(limit: Int) { self.limit = limit }

    func append(_ text: String) {
        bytes.withLock { b in
            b.append(contentsOf: text.utf8)
            if b.count > limit * 2 { b.removeFirst(b.count - limit) }
        }
    }

    var text: String {
        bytes.withLock { b in
            var slice = b.suffix(limit)
            while let first = slice.first, first & 0xC0 == 0x80 { slice = slice.dropFirst() }  // no half characters
            return String(decoding: slice, as: UTF8.self)
        }
    }
}
