import GateProtocol
import Shared

/// An answer the kiosk checks before it believes any of it. The kiosk is the gate: nothing a
/// server sends, hostile or broken, may stop it (a time that overflows the clock's arithmetic),
/// keep it busy (a feed that never advances) or reach its disk and screen unchecked (a 20 MB
/// name, an escape sequence). The bounds are the ones an import file has always had.
protocol CheckedAnswer: Decodable {
    /// Throws `LinkError.badAnswer` naming the first field out of bounds.
    func check() throws(LinkError)
}

/// What a number or a text from the server may be.
enum WireBounds {
    /// Milliseconds since 1970 within FT1's u32 seconds: far from any overflow.
    static let times: ClosedRange<Int64> = 0...Int64(UInt32.max) * 1_000
    /// Far more than any festival's gates, classes or keys; a bound on what is stored.
    static let maxListed = 10_000

    static func time(_ value: Int64, _ field: String) throws(LinkError) {
        guard times.contains(value) else { throw bad(field, "must be milliseconds since 1970 (0 to \(times.upperBound)), not \(value)") }
    }

    static func atLeast(_ minimum: Int64, _ value: Int64, _ field: String) throws(LinkError) {
        guard value >= minimum else { throw bad(field, "must be at least \(minimum), not \(value)") }
    }

    static func text(_ value: String, _ field: String) throws(LinkError) {
        guard OutsideText.isAcceptable(value) else {
            throw bad(field, "must be text of at most \(OutsideText.maxBytes) bytes without control characters")
        }
    }

    static func count(_ count: Int, _ field: String) throws(LinkError) {
        guard count <= maxListed else { throw bad(field, "lists \(count) entries, more than any gate needs (\(maxListed))") }
    }

    static func bad(_ field: String, _ problem: String) -> LinkError {
        .badAnswer("the server's answer is not believable: \(field) \(problem)")
    }
}

extension GateKey {
    /// The keys as a ring; a key that is not hex is an answer not to believe.
    static func checkedRing(_ keys: [GateKey]) throws -> KeyRing {
        do {
            return try ring(keys)
        } catch let error as GateWireError {
            throw LinkError.badAnswer(error.description)
        }
    }
}

extension DeviceInfo: CheckedAnswer {
    func check() throws(LinkError) {
        try WireBounds.atLeast(1, id, "device.id")
        try WireBounds.atLeast(1, Int64(eventID), "device.event_id")
        try WireBounds.text(name, "device.name")
        try WireBounds.count(classes?.count ?? 0, "device.classes")
    }
}

extension EnrollAnswer: CheckedAnswer {
    func check() throws(LinkError) {
        // It goes into every request's Authorization header: printable ASCII only.
        guard (1...200).contains(credential.utf8.count), credential.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw WireBounds.bad("credential", "must be 1 to 200 printable ASCII characters")
        }
        try device.check()
        try WireBounds.count(keys.count, "keys")
        try WireBounds.time(serverTime, "server_time")
    }
}

extension FeedPage: CheckedAnswer {
    func check() throws(LinkError) {
        try WireBounds.atLeast(0, lastSeq, "last_seq")
        for (index, change) in changes.enumerated() {
            let field = "changes[\(index)]"
            guard change.seq >= 1, change.seq <= lastSeq else { throw WireBounds.bad("\(field).seq", "must lie in 1 to last_seq (\(lastSeq)), not \(change.seq)") }
            if let ticketID = change.ticketID, UInt64(ticketID).map({ $0 > 0 }) != true {
                throw WireBounds.bad("\(field).ticket_id", "must be a ticket id as a decimal string")
            }
            if let holder = change.holder { try WireBounds.text(holder, "\(field).holder") }
            if let seat = change.seat { try WireBounds.text(seat, "\(field).seat") }
            if let gate = change.gate { try WireBounds.text(gate, "\(field).gate") }
            if let at = change.at { try WireBounds.time(at, "\(field).at") }
        }
        try WireBounds.count(keys.count, "keys")
        try device.check()
        try WireBounds.time(serverTime, "server_time")
    }

    /// A page asked for after `seq` must lie after it, and one that says more follows must move
    /// on: a server that answers the same page forever would keep the gate asking forever.
    func checkAdvances(after seq: Int64) throws(LinkError) {
        guard lastSeq >= seq else { throw WireBounds.bad("last_seq", "went back from \(seq) to \(lastSeq)") }
        if let stale = changes.first(where: { $0.seq <= seq }) {
            throw WireBounds.bad("changes", "hold entry \(stale.seq), asked for those after \(seq)")
        }
        if more, lastSeq == seq {
            throw .badAnswer("the server's feed did not advance past \(seq) although it says more follows: this round stops")
        }
    }
}

extension RedeemAnswer: CheckedAnswer {
    func check() throws(LinkError) {
        if let usedAt { try WireBounds.time(usedAt, "used_at") }
        if let usedGate { try WireBounds.text(usedGate, "used_gate") }
        try WireBounds.time(serverTime, "server_time")
    }
}

extension PushAnswer: CheckedAnswer {
    func check() throws(LinkError) {
        try WireBounds.atLeast(0, Int64(received), "received")
        try WireBounds.atLeast(0, Int64(stored), "stored")
        try WireBounds.time(serverTime, "server_time")
    }
}
