import Shared

/// Gate devices in SQL: creating one with its enrollment code, trading the code for a
/// credential, revoking, and what a gate says of itself on each sync call.
enum DeviceRepository {
    /// How long an enrollment code stays usable.
    static let codeLifetime: Int64 = 15 * 60

    struct NewDevice: Sendable {
        let name: String
        let direction: Device.Direction
        let classes: [UInt16]?
    }

    /// Creates a pending device and returns it with its enrollment code (shown once).
    static func create(
        _ new: NewDevice, eventID: UInt32, code: String, now: Int64, in transaction: WriteTransaction
    ) throws -> Device {
        _ = try EventRepository.existing(id: eventID, in: transaction)
        do {
            try transaction.run(
                """
                INSERT INTO device (event_id, name, direction, classes, status, enrollment_code_hash, enrollment_expires_at, created_at)
                VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)
                """,
                eventID, new.name, new.direction.rawValue, new.classes.map(Device.json(classes:)), DeviceSecrets.hash(code: code),
                now + codeLifetime, now)
        } catch let error as SQLiteError where error.isUniqueViolation(on: "device.event_id, device.name") {
            throw DeviceError.nameTaken(new.name)
        }
        return try device(id: transaction.lastInsertRowID, in: transaction)
    }

    static func device(id: Int64, in database: some SQLiteQuerying) throws -> Device {
        guard let row = try database.row("SELECT \(Device.columns) FROM device WHERE id = ?", id) else { throw DeviceError.deviceNotFound }
        return try Device(row: row)
    }

    static func devices(eventID: UInt32, in database: some SQLiteQuerying) throws -> [Device] {
        try database.rows("SELECT \(Device.columns) FROM device WHERE event_id = ? ORDER BY id", eventID).map(Device.init)
    }

    /// Trades an enrollment code for a credential: once, within its lifetime. The code's hash is
    /// kept, so a second try is told the code was used rather than that it is unknown.
    static func enroll(code: String, credential: String, now: Int64, in transaction: WriteTransaction) throws -> Device {
        guard let row = try transaction.row("SELECT id, status, enrollment_expires_at FROM device WHERE enrollment_code_hash = ?", DeviceSecrets.hash(code: code))
        else {
            throw DeviceError.codeUnknown
        }
        let id: Int64 = try row["id"]
        let status: Device.Status = try row["status"]
        guard status == .pending else { throw status == .revoked ? DeviceError.deviceRevoked : DeviceError.codeUsed }
        guard now < (try row["enrollment_expires_at"] as Int64) else { throw DeviceError.codeExpired }
        try transaction.run(
            """
            UPDATE device SET status = 'active', credential_hash = ?, enrolled_at = ?, last_seen_at = ?
            WHERE id = ?
            """, DeviceSecrets.hash(credential), now, now, id)
        return try device(id: id, in: transaction)
    }

    /// Revokes a device: its credential and any unused code stop working at once.
    static func revoke(id: Int64, now: Int64, in transaction: WriteTransaction) throws -> Device {
        try transaction.run("UPDATE device SET status = 'revoked', revoked_at = ? WHERE id = ? AND status != 'revoked'", now, id)
        let revoked = try device(id: id, in: transaction)
        // Wakes the event's long-polls: the revoked gate's next call hears 401 at once, not
        // when its wait runs out.
        transaction.changed(event: revoked.eventID)
        return revoked
    }

    /// The device a credential belongs to; revoked devices are refused with their own error, so
    /// the gate can say "device revoked" rather than "not enrolled".
    static func authenticate(credential: String, in database: some SQLiteQuerying) throws -> Device {
        guard let row = try database.row("SELECT \(Device.columns) FROM device WHERE credential_hash = ?", DeviceSecrets.hash(credential)) else {
            throw DeviceError.notEnrolled
        }
        let device = try Device(row: row)
        guard device.status == .active else { throw DeviceError.deviceRevoked }
        return device
    }

    /// What a gate reports of itself with every sync call.
    struct Report: Sendable {
        var replicaSeq: Int64?
        var pendingScans: Int?
        var clockOffsetMilliseconds: Int64?
    }

    static func record(_ report: Report, deviceID: Int64, now: Int64, in transaction: WriteTransaction) throws {
        try transaction.run(
            """
            UPDATE device SET last_seen_at = ?, replica_seq = coalesce(?, replica_seq), pending_scans = coalesce(?, pending_scans),
                clock_offset_ms = coalesce(?, clock_offset_ms)
            WHERE id = ?
            """, now, report.replicaSeq, report.pendingScans, report.clockOffsetMilliseconds, deviceID)
    }
}
