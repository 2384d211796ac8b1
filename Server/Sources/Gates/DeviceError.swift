/// Why a gate device's request, or an organiser's request about devices, was refused.
public enum DeviceError: Error, Equatable, Sendable {
    case deviceNotFound
    case nameTaken(String)
    case codeUnknown
    case codeUsed
    case codeExpired
    case notEnrolled
    case deviceRevoked
    /// A scan or redeem about another event's ticket.
    case wrongEvent(ticketID: UInt64)
    /// A redeem at a time the server does not believe of this gate (GateClaims).
    case timeNotBelieved(at: Int64, believed: ClosedRange<Int64>)
    case invalidScan(index: Int, problem: String)
}

extension DeviceError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .deviceNotFound: "no such device"
        case .nameTaken(let name): "this event already has a device named \(name)"
        case .codeUnknown: "no device has this enrollment code; check it on the organiser's screen"
        case .codeUsed: "this enrollment code was used already; create a new device for this gate"
        case .codeExpired: "this enrollment code has expired (codes last 15 minutes); create a new device for this gate"
        case .notEnrolled: "this device credential is not valid"
        case .deviceRevoked: "device revoked: an organiser withdrew this gate"
        case .wrongEvent(let ticketID): "ticket \(ticketID) is not a ticket of this gate's event"
        case .timeNotBelieved(let at, let believed):
            "at \(at) is outside the times this gate may report now (\(believed.lowerBound) to \(believed.upperBound), milliseconds since 1970): check the gate's clock"
        case .invalidScan(let index, let problem): "scans[\(index)]: \(problem)"
        }
    }
}
