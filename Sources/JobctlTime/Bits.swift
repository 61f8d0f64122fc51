/// Bit helpers: the next-fire search is "next set bit at or after n".
@usableFromInline
enum Bits {
    @inline(__always) @usableFromInline
    static func next(_ mask: UInt64, atOrAfter n: Int) -> Int? {
        guard n < 64 else { return nil }
        let m = mask & (~UInt64(0) << UInt64(n))
        return m == 0 ? nil : m.trailingZeroBitCount
    }

    @inline(__always) @usableFromInline
    static func contains(_ mask: UInt64, _ n: Int) -> Bool {
        n >= 0 && n < 64 && mask & (UInt64(1) << UInt64(n)) != 0
    }
}
