/// Everything the gate's screen shows, updated from the pipeline's thread and the keyboard.
public struct ScreenState: Sendable {
    public var gate: String
    public var eventID: UInt32
    public var direction: Direction
    public var verdict: Verdict?
    /// Kiosk time the verdict was last in view; the screen returns to "ready" a while after.
    public var verdictShownAt: Int64 = 0
    public var camera: CameraState = .starting
    /// What would help the camera read the code in view, while it cannot.
    public var hint: ReadingHint?
    public var counters = GateCounters()
    public var lastImportAt: Int64?
    /// The server link of an enrolled kiosk; nil for one that only imports files.
    public var link: SyncStatus.Snapshot?
    /// A problem that needs staff (a scan that could not be recorded).
    public var alert: String?
    public var lookup: Lookup?

    /// Staff typing part of a ticket id or a holder's name.
    public struct Lookup: Sendable {
        public var query = ""
        public var results: [ReplicaTicket] = []
        public var selected = 0
    }

    public init(gate: String, eventID: UInt32, direction: Direction) {
        self.gate = gate
        self.eventID = eventID
        self.direction = direction
    }
}
