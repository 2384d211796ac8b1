import Foundation

/// Where the kiosk's "now" comes from: the wall clock, or a fixed or stepped time in tests.
/// Times are milliseconds since 1970 throughout the kiosk (see docs/KIOSK.md, "Time").
public struct KioskClock: Sendable {
    private let read: @Sendable () -> Int64

    public init(_ read: @escaping @Sendable () -> Int64) {
        self.read = read
    }

    public func now() -> Int64 { read() }

    public static let system = KioskClock { Int64((Date().timeIntervalSince1970 * 1_000).rounded()) }

    /// Always `milliseconds`.
    public static func fixed(at milliseconds: Int64) -> KioskClock { KioskClock { milliseconds } }
}
