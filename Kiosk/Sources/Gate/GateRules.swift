import GateProtocol

/// How this gate judges tickets, from the `run` command's options.
public struct GateRules: Sendable {
    public var direction: Direction
    /// Ticket classes let through here; nil lets every class through.
    public var acceptedClasses: Set<UInt16>?
    /// Leeway on both ends of a ticket's validity window, for a kiosk clock that is a little off
    /// and for the queue that forms before the gates open. Milliseconds.
    public var graceMilliseconds: Int64
    /// The same code seen again within this long is the same scan: its first verdict is
    /// repeated. Milliseconds.
    public var debounceMilliseconds: Int64

    public init(
        direction: Direction = .entry, acceptedClasses: Set<UInt16>? = nil, graceMilliseconds: Int64 = 15 * 60 * 1_000,
        debounceMilliseconds: Int64 = 10_000
    ) {
        self.direction = direction
        self.acceptedClasses = acceptedClasses
        self.graceMilliseconds = graceMilliseconds
        self.debounceMilliseconds = debounceMilliseconds
    }
}
