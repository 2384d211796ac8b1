import Hummingbird

extension Request {
    /// The whole number in query parameter `name`, or nil when it is absent; a 400 naming the
    /// parameter and its range when it is not a number in `range`.
    func queryInteger(_ name: String, in range: ClosedRange<Int64>) throws -> Int64? {
        guard let text = uri.queryParameters[name[...]] else { return nil }
        guard let number = Int64(String(text)), range.contains(number) else {
            throw APIError.invalid("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }
}
