import GateProtocol
import Shared

/// Who is inside, decided in the writer's transaction: the online redeem (one gate asks "may
/// this ticket in?" and the database answers once for all gates), and the scans gates push
/// afterwards, of which the offline admissions that should not have happened become conflicts.
enum Admissions {
    /// The server's answer to a redeem, in the gate's terms.
    struct Outcome: Sendable, Equatable {
        /// `ok`, or why not: `wrong_class`, `already_used`, `not_inside`, `revoked`, `cancelled`, `not_issued`.
        let reason: AdmissionReason
        /// Milliseconds: when the ticket was last let in or out, and by which gate.
        let usedAt: Int64?
        let usedGate: String?
    }

    struct Redeem: Sendable {
        let ticketID: UInt64
        /// Milliseconds since 1970 on the gate's corrected clock.
        let at: Int64
        /// The token allows coming back in after leaving.
        let reEntry: Bool
        /// The gate's name for this attempt: the same redeem retried gets the same answer.
        let redeemID: String
    }

    /// Where a ticket stands at the gates, with the gate that moved it last.
    private struct Standing {
        let rules: AdmissionRules.Standing
        let lastGate: String
        var lastAt: Int64 { rules.lastMoveAt ?? 0 }
    }

    static func redeem(_ redeem: Redeem, by device: Device, now: Int64, in transaction: WriteTransaction) throws -> Outcome {
        let claims = try GateClaims.of(device, now: now, in: transaction)
        guard claims.times.contains(redeem.at) else { throw DeviceError.timeNotBelieved(at: redeem.at, believed: claims.times) }
        // One redeem of a ticket at a time, so the second of two gates sees the first's
        // admission; redeems of other tickets do not wait for it.
        guard let ticket = try transaction.row("SELECT event_id, ticket_class, status FROM ticket WHERE id = ?" + transaction.lockingRows, redeem.ticketID)
        else {
            return Outcome(reason: .notIssued, usedAt: nil, usedGate: nil)
        }
        guard try ticket["event_id"] == device.eventID else { throw DeviceError.wrongEvent(ticketID: redeem.ticketID) }
        let standing = try self.standing(of: redeem.ticketID, in: transaction)
        let facts = AdmissionRules.Ticket(
            status: try ticket["status"], ticketClass: try ticket["ticket_class"], reEntry: redeem.reEntry,
            standing: standing?.rules ?? .outside)
        let decision = AdmissionRules.decide(facts, at: redeem.at, policy: claims.policy, redeemID: redeem.redeemID)
        // A refusal, or the same attempt asked again (a timeout on the gate's side): when and
        // where the ticket last moved, as it stands.
        guard decision.admitted, decision.standing != nil else {
            return Outcome(reason: decision.reason, usedAt: standing?.lastAt, usedGate: standing?.lastGate)
        }
        try move(redeem.ticketID, eventID: device.eventID, inside: device.direction == .entry, at: redeem.at, device: device, redeemID: redeem.redeemID, now: now, in: transaction)
        return Outcome(reason: .ok, usedAt: redeem.at, usedGate: device.name)
    }

    /// One scan a gate pushes: what it decided, online or not.
    struct PushedScan: Sendable {
        let scanNumber: Int64
        let ticketID: UInt64?
        let at: Int64
        let admitted: Bool
        let reason: AdmissionReason
        let direction: Device.Direction
        let source: ScanSource
        let online: Bool
        let redeemID: String?
    }

    /// Stores pushed scans once each. An offline admission is applied to who is inside, and
    /// becomes a conflict when the ticket was already inside, was no longer valid or is of a
    /// class this gate does not take: it happened, so it is recorded as it was, for the
    /// organisers to see. A scan the gate's claims do not support (GateClaims) is stored
    /// flagged and moves nothing; an admission of another event's ticket refuses the whole push.
    /// Returns how many were new.
    static func record(_ scans: [PushedScan], by device: Device, now: Int64, in transaction: WriteTransaction) throws -> Int {
        let claims = try GateClaims.of(device, now: now, in: transaction)
        // Takes turns with a redeem of the same ticket (see `redeem`): without the row lock, a
        // redeem could overwrite an offline admission committed while it ran, and the double
        // admission would never become a conflict.
        var added = 0
        for scan in scans {
            let ticket = try scan.ticketID.flatMap { id in
                try transaction.row("SELECT event_id, ticket_class, status, changed_at FROM ticket WHERE id = ?" + transaction.lockingRows, id)
            }
            // Another event's ticket is none of this gate's business: it may report having
            // turned one away (the kiosk names what it read), never having let one in.
            var ticketID = scan.ticketID
            if let ticket, let id = ticketID, try ticket["event_id"] != device.eventID {
                if scan.admitted { throw DeviceError.wrongEvent(ticketID: id) }
                ticketID = nil
            }
            let flag = claims.flag(at: scan.at, direction: scan.direction)
            let inserted = try transaction.run(
                """
                INSERT INTO gate_scan (device_id, scan_number, event_id, ticket_id, at, verdict, reason, direction, source, mode, received_at, flag)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (device_id, scan_number) DO NOTHING
                """,
                device.id, scan.scanNumber, device.eventID, ticketID, scan.at, scan.admitted ? "admit" : "reject", scan.reason.rawValue,
                scan.direction.rawValue, scan.source.rawValue, scan.online ? "online" : "offline", now, flag?.rawValue)
            guard inserted > 0 else { continue }
            added += 1
            // An online admission was applied when it was redeemed; a rejection changes nothing;
            // a scan not believed changes nothing either.
            guard scan.admitted, !scan.online, flag == nil, let ticketID, let ticket else { continue }
            try applyOffline(scan, ticket: ticket, ticketID: ticketID, scanID: transaction.lastInsertRowID, claims: claims, now: now, in: transaction)
        }
        return added
    }

    /// `ticket` is the ticket's row, of this gate's event.
    private static func applyOffline(
        _ scan: PushedScan, ticket: SQLiteRow, ticketID: UInt64, scanID: Int64, claims: GateClaims, now: Int64, in transaction: WriteTransaction
    ) throws {
        let device = claims.device
        let standing = try standing(of: ticketID, in: transaction)
        // A redeem the gate gave up waiting for, though the server did answer it: the gate
        // decided offline, the server had already moved the ticket. One admission, not two.
        if let redeemID = scan.redeemID, let standing, standing.rules.lastRedeemID == redeemID { return }
        func conflict(_ kind: String) throws {
            try transaction.run(
                "INSERT INTO gate_conflict (event_id, ticket_id, kind, scan_id, created_at) VALUES (?, ?, ?, ?, ?)",
                device.eventID, ticketID, kind, scanID, now)
        }
        // The rules as the gate should have applied them online: the ticket's status as it was at
        // the scan, and where it stands now. A push does not say whether the token allows
        // re-entry, so only a ticket already inside counts as let in twice.
        let status: Ticket.Status = try ticket["status"]
        let changedAt: Int64 = try ticket["changed_at"]
        let facts = AdmissionRules.Ticket(
            status: changedAt <= scan.at / 1_000 ? status : .valid, ticketClass: try ticket["ticket_class"], reEntry: true,
            standing: standing?.rules ?? .outside)
        switch AdmissionRules.decide(facts, at: scan.at, policy: claims.policy).reason {
        case .wrongClass:
            // Let in at a gate that does not take its class: the organisers hear of it, and the
            // ticket is not counted in through a gate it had no business passing.
            return try conflict("admitted_wrong_class")
        case .revoked where scan.direction == .entry, .cancelled where scan.direction == .entry:
            try conflict("admitted_when_not_valid")
        case .alreadyUsed: try conflict("admitted_twice")
        default: break  // an exit the rules would have refused still happened: it moves the ticket out
        }
        // Scans can arrive late and out of order: only a newer one moves the ticket in or out.
        if let standing, standing.lastAt > scan.at { return }
        try move(ticketID, eventID: device.eventID, inside: scan.direction == .entry, at: scan.at, device: device, redeemID: scan.redeemID, now: now, in: transaction)
    }

    private static func standing(of ticketID: UInt64, in transaction: WriteTransaction) throws -> Standing? {
        try transaction.row(
            """
            SELECT a.inside, a.first_at, a.last_at, a.last_redeem, d.name FROM admission a JOIN device d ON d.id = a.last_device_id WHERE a.ticket_id = ?
            """, ticketID
        ).map { row in
            Standing(
                rules: AdmissionRules.Standing(
                    inside: try row["inside"], firstEntryAt: try row["first_at"], lastMoveAt: try row["last_at"],
                    lastRedeemID: try row["last_redeem"]),
                lastGate: try row["name"])
        }
    }

    /// Moves a ticket in or out, and tells the other gates through the change log.
    private static func move(
        _ ticketID: UInt64, eventID: UInt32, inside: Bool, at: Int64, device: Device, redeemID: String?, now: Int64,
        in transaction: WriteTransaction
    ) throws {
        try transaction.run(
            """
            INSERT INTO admission (ticket_id, event_id, first_at, first_device_id, inside, last_at, last_device_id, last_redeem)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (ticket_id) DO UPDATE SET inside = excluded.inside, last_at = excluded.last_at,
                last_device_id = excluded.last_device_id, last_redeem = excluded.last_redeem
            """, ticketID, eventID, at, device.id, inside, at, device.id, redeemID)
        try ChangeLog.append(
            inside ? .ticketAdmitted : .ticketExited, eventID: eventID, ticketID: ticketID, at: now,
            detail: .object([("gate", .string(device.name)), ("at", .integer(at))]), in: transaction)
    }
}
