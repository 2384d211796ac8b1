import GateProtocol
import Hummingbird
import Shared

/// `/api/v1/gate/…`: what an enrolled gate calls. Enrollment trades a one-time code for a
/// credential; after that every call carries `Authorization: Bearer fgd_…` and is about the
/// gate's own event only. Every answer carries the server's time, so gates can correct their
/// clocks.
struct GateController {
    let writer: DatabaseWriter
    let readers: DatabaseReaders
    let keys: ServerKeys
    let clock: ServerClock
    let bell: ChangeBell
    let throttles: Throttles
    /// What each gate last reported, so that a long-poll writes only news.
    let reports = DeviceReports()

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.post("gate/enroll", use: enroll)
        routes.get("gate/changes", use: changes)
        routes.post("gate/redeem", use: redeem)
        routes.post("gate/scans", use: pushScans)
        return routes
    }

    /// Longest long-poll: under the connection's idle deadline, and short enough that a gate
    /// behind a NAT that forgets quiet connections still hears back.
    static let maxWaitSeconds = 25

    @Sendable func enroll(request: Request, context: AppRequestContext) async throws -> EnrollAnswer {
        let body = try await request.decodeJSON(as: EnrollRequest.self, context: context, decoder: WireJSON.gateDecoder)
        try throttles.beginEnrollment(address: context.clientAddress)
        guard let code = DeviceSecrets.canonicalCode(body.code) else { throw DeviceError.codeUnknown }
        let credential = DeviceSecrets.newCredential()
        let now = clock.now()
        let device = try await writer.write { try DeviceRepository.enroll(code: code, credential: credential, now: now, in: $0) }
        try throttles.enrollmentSucceeded(address: context.clientAddress)
        return EnrollAnswer(
            credential: credential, device: GateDevice(device, now: now), keys: GateKey.list(keys.ring.kioskExport),
            serverTime: clock.nowMilliseconds())
    }

    @Sendable func changes(request: Request, context: AppRequestContext) async throws -> FeedPage {
        let device = try authenticate(request)
        let after = try request.queryInteger("after", in: 0...Int64.max) ?? 0
        let limit = Int(try request.queryInteger("limit", in: 1...Int64(GateFeed.maxPage)) ?? 1_000)
        let wait = Int(try request.queryInteger("wait", in: 0...Int64(Self.maxWaitSeconds)) ?? 0)
        let report = DeviceRepository.Report(
            replicaSeq: after, pendingScans: try request.queryInteger("pending", in: 0...Int64(Int32.max)).map { Int($0) },
            clockOffsetMilliseconds: try request.queryInteger("clock_offset_ms", in: -86_400_000...86_400_000))
        let now = clock.now()
        if reports.mustWrite(report, deviceID: device.id, now: now) {
            try await writer.write { try DeviceRepository.record(report, deviceID: device.id, now: now, in: $0) }
            reports.wrote(report, deviceID: device.id, now: now)
        }

        // A waiter is registered before each read, so a change committed in between still wakes
        // it. A ring that brings nothing past `after` (on PostgreSQL the relay's sweep rings for
        // whatever was numbered since it last looked) waits again until the deadline.
        let deadline = ContinuousClock.now + .seconds(wait)
        var changes: [FeedChange] = []
        while true {
            let waiter = wait > 0 ? bell.waiter(for: device.eventID) : nil
            defer { waiter?.cancel() }  // however this ends, the bell forgets the waiter
            changes = try readers.read { try GateFeed.changes(eventID: device.eventID, after: after, limit: limit + 1, in: $0) }
            let left = deadline - ContinuousClock.now
            guard changes.isEmpty, let waiter, left > .zero else { break }
            await waiter.wait(upTo: left)
            if Task.isCancelled { break }
        }
        let more = changes.count > limit
        let page = Array(changes.prefix(limit))
        return FeedPage(
            changes: page, lastSeq: page.last?.seq ?? after, more: more, keys: GateKey.list(keys.ring.kioskExport),
            device: GateDevice(device, now: now), serverTime: clock.nowMilliseconds())
    }

    @Sendable func redeem(request: Request, context: AppRequestContext) async throws -> RedeemAnswer {
        let device = try authenticate(request)
        let body = try await request.decodeJSON(as: RedeemRequest.self, context: context, decoder: WireJSON.gateDecoder)
        let redeem = Admissions.Redeem(
            ticketID: try Self.ticketID(body.ticketID, field: "ticket_id"), at: try Self.milliseconds(body.at, field: "at"),
            reEntry: body.reEntry ?? false, redeemID: try Self.redeemID(body.redeemID))
        let now = clock.now()
        let outcome = try await writer.write(.lockedRows) { try Admissions.redeem(redeem, by: device, now: now, in: $0) }
        return RedeemAnswer(reason: outcome.reason, usedAt: outcome.usedAt, usedGate: outcome.usedGate, serverTime: clock.nowMilliseconds())
    }

    /// Most scans one push may carry; a gate with more sends several.
    static let maxScansPerPush = 500

    @Sendable func pushScans(request: Request, context: AppRequestContext) async throws -> PushAnswer {
        let device = try authenticate(request)
        let body = try await request.decodeJSON(as: PushRequest.self, context: context, decoder: WireJSON.gateDecoder)
        guard body.scans.count <= Self.maxScansPerPush else {
            throw APIError(.unprocessableContent, "too_many_scans", "at most \(Self.maxScansPerPush) scans in one push")
        }
        let scans = try body.scans.enumerated().map { index, scan in try Self.validated(scan, index: index) }
        let now = clock.now()
        let pending = body.pending.map { max(0, $0) }
        let stored = try await writer.write { transaction in
            let stored = try Admissions.record(scans, by: device, now: now, in: transaction)
            try DeviceRepository.record(.init(pendingScans: pending), deviceID: device.id, now: now, in: transaction)
            return stored
        }
        reports.forget(deviceID: device.id)  // the row changed here: the next poll's report is written whole
        return PushAnswer(received: scans.count, stored: stored, serverTime: clock.nowMilliseconds())
    }

    // MARK: Input

    /// The device whose credential the request carries; 401 otherwise, "device revoked" for one
    /// an organiser withdrew.
    private func authenticate(_ request: Request) throws -> Device {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
            case let credential = String(header.dropFirst("Bearer ".count)), credential.hasPrefix(DeviceSecrets.credentialPrefix)
        else {
            throw APIError(.unauthorized, "device_unknown", "send the device credential from enrollment as a bearer token")
        }
        return try readers.read { try DeviceRepository.authenticate(credential: credential, in: $0) }
    }

    /// The words of a scan (verdict, reason, direction, source, mode) are checked as it is
    /// read: each is an enum of the shared protocol. What is left are its numbers and ids.
    static func validated(_ scan: PushedScan, index: Int) throws -> Admissions.PushedScan {
        func problem(_ text: String) -> DeviceError { .invalidScan(index: index, problem: text) }
        guard scan.scanNumber > 0 else { throw problem("scan_number must be positive") }
        guard gateTimes.contains(scan.at) else { throw problem("at must be milliseconds since 1970") }
        let ticketID = try scan.ticketID.map { text in
            guard let id = parsedTicketID(text) else { throw problem("ticket_id must be a ticket id as a decimal string") }
            return id
        }
        if scan.verdict == .admit, ticketID == nil { throw problem("an admit names its ticket_id") }
        if let redeemID = scan.redeemID, !isRedeemID(redeemID) { throw problem("redeem_id must be 1 to 64 printable ASCII characters") }
        return Admissions.PushedScan(
            scanNumber: scan.scanNumber, ticketID: ticketID, at: scan.at, admitted: scan.verdict == .admit, reason: scan.reason,
            direction: scan.direction, source: scan.source, online: scan.mode == .online, redeemID: scan.redeemID)
    }

    // The rules a redeem and a pushed scan share; each reports a broken one in its own way.

    /// Gate times: milliseconds since 1970, within the u32 seconds of FT1.
    static let gateTimes: ClosedRange<Int64> = 0...Int64(UInt32.max) * 1_000

    static func parsedTicketID(_ text: String) -> UInt64? {
        UInt64(text).flatMap { $0 > 0 ? $0 : nil }
    }

    static func isRedeemID(_ text: String) -> Bool {
        (1...64).contains(text.utf8.count) && text.unicodeScalars.allSatisfy { (0x21...0x7E).contains($0.value) }
    }

    static func ticketID(_ text: String, field: String) throws -> UInt64 {
        guard let id = parsedTicketID(text) else {
            throw APIError(.unprocessableContent, "invalid_ticket_id", "\(field) must be a ticket id as a decimal string")
        }
        return id
    }

    static func milliseconds(_ value: Int64, field: String) throws -> Int64 {
        guard gateTimes.contains(value) else {
            throw APIError(.unprocessableContent, "invalid_time", "\(field) must be milliseconds since 1970")
        }
        return value
    }

    static func redeemID(_ text: String) throws -> String {
        guard isRedeemID(text) else {
            throw APIError(.unprocessableContent, "invalid_redeem_id", "redeem_id must be 1 to 64 printable ASCII characters")
        }
        return text
    }
}
