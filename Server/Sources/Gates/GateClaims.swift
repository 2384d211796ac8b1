import GateProtocol
import Shared

/// What the server believes of what a gate says about its own scans. A gate's credential proves
/// which device is calling, not that what it reports is true: a stolen or badly made gate can
/// claim any time, direction or ticket. The rules here are the one place both the online redeem
/// and the pushed scans ask (docs/SECURITY.md, "What a gate may claim"):
/// - the device's direction decides, never the scan's;
/// - the device's class list holds on the server as on the kiosk;
/// - a scan time lies between a day before the earlier of the gates' opening and the device's
///   creation, and a few minutes past the server's clock.
struct GateClaims: Sendable {
    let device: Device
    /// Scan times believed from this gate, milliseconds since 1970.
    let times: ClosedRange<Int64>

    /// How long before the gates open (or the device was made) a scan may lie: a queue that is
    /// let in early, a rehearsal the day before, a standalone gate enrolled later.
    static let earliestLead: Int64 = 86_400_000
    /// How far past the server's clock a scan may lie. Gates stamp scans on their clock as
    /// corrected by the server's time at each answer, so only drift since then is allowed for.
    static let clockTolerance: Int64 = 5 * 60_000

    /// `gatesOpenAt` and `now` are seconds, as the event and the server's clock keep them.
    init(device: Device, gatesOpenAt: Int64, now: Int64) {
        self.device = device
        let latest = max(0, now * 1_000 + Self.clockTolerance)
        // A clock set back past the device's creation leaves an empty window, never a broken one.
        times = min(latest, max(0, min(gatesOpenAt, device.createdAt) * 1_000 - Self.earliestLead))...latest
    }

    /// The claims of `device` as its event stands in `transaction`.
    static func of(_ device: Device, now: Int64, in transaction: some SQLiteQuerying) throws -> GateClaims {
        let gatesOpenAt = try transaction.scalar("SELECT gates_open_at FROM event WHERE id = ?", device.eventID, as: Int64.self)
        return GateClaims(device: device, gatesOpenAt: gatesOpenAt ?? device.createdAt, now: now)
    }

    /// The gate's rules as the shared admission rules take them: the device's direction and
    /// class list, never what a scan claims.
    var policy: AdmissionRules.Policy {
        AdmissionRules.Policy(direction: device.direction, acceptedClasses: device.classes.map(Set.init), gate: device.name)
    }

    /// Why a pushed scan is kept but not believed; nil when it is believed.
    func flag(at: Int64, direction: Device.Direction) -> ScanFlag? {
        if !times.contains(at) { return .invalidTime }
        if direction != device.direction { return .wrongDirection }
        return nil
    }
}

/// Why a stored scan moves nothing: the gate claimed what the server does not believe.
enum ScanFlag: String, Sendable {
    case invalidTime = "invalid_time"
    case wrongDirection = "wrong_direction"
}
