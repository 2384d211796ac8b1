import Foundation
import Kiosk
import Shared
import Testing
import TestSupport

/// The replica on its own: imports and the staff's manual lookup.
@Suite("Kiosk replica")
struct ReplicaTests {
    static func replica(_ directory: TemporaryDirectory, keys: KeyRing = .generate()) throws -> KioskReplica {
        try KioskReplica.initialise(directory: directory.path, eventID: 2026, gate: "North-1", keys: keys.kioskExport, now: 0)
    }

    @Test("the gate's running totals match the scan log counted afresh, entries, rejects and exits alike")
    func totalsMatchTheLog() throws {
        let directory = TemporaryDirectory()
        let keys = KeyRing.generate()
        let encoder = try TokenEncoder(activeKeyOf: keys)
        let tokens = try (1...3).map { id in
            Array(try encoder.encode(TicketToken(ticketID: id, eventID: 2026, ticketClass: 1, flags: .reEntry, seat: "", holder: "H")).utf8)
        }
        let entry = try Gatekeeper(replica: try Self.replica(directory, keys: keys), rules: GateRules(debounceMilliseconds: 0))
        for (index, token) in (tokens + [tokens[0], Array("not a ticket".utf8)]).enumerated() {
            _ = try entry.scan(token, at: 1_000 + Int64(index))
        }
        let exit = try Gatekeeper(replica: try KioskReplica(directory: directory.path), rules: GateRules(direction: .exit, debounceMilliseconds: 0))
        for (index, token) in [tokens[0], tokens[0]].enumerated() { _ = try exit.scan(token, at: 2_000 + Int64(index)) }
        #expect(entry.counters() == GateCounters(admitted: 3, rejected: 2, exited: 0, inside: 3, pending: 5))
        #expect(exit.counters() == GateCounters(admitted: 3, rejected: 2, exited: 2, inside: 2, pending: 7))
        #expect(exit.counters() == (try KioskReplica(directory: directory.path).counters()))
    }

    @Test("an import counts new and updated tickets; a re-import updates and adds nothing")
    func importSummary() throws {
        let directory = TemporaryDirectory()
        let replica = try Self.replica(directory)
        let file = TicketImport(eventID: 2026, tickets: [
            .init(ticketID: 1, status: .valid, holder: "Ada"), .init(ticketID: 2, status: .valid, holder: "Bo"),
        ], revoked: [9])
        let first = try replica.apply(file, name: "first", now: 1)
        #expect((first.added, first.updated, first.revoked) == (2, 0, 1))
        let again = try replica.apply(file, name: "again", now: 2)
        #expect((again.added, again.updated, again.revoked) == (0, 2, 1))
        #expect(try replica.ticketCount() == 3)
    }

    @Test("manual lookup finds holders by part of the name and tickets by the start of their number, past 2^63 too")
    func search() throws {
        let directory = TemporaryDirectory()
        let replica = try Self.replica(directory)
        let big: UInt64 = 18_000_000_000_000_000_123
        _ = try replica.apply(TicketImport(eventID: 2026, tickets: [
            .init(ticketID: 1001, status: .valid, holder: "Ada Lovelace"), .init(ticketID: 1002, status: .valid, holder: "Grace Hopper"),
            .init(ticketID: big, status: .valid, holder: "Alan Turing"), .init(ticketID: 77, status: .valid, holder: "100% Fan"),
        ]), name: "test", now: 1)
        #expect(try replica.search("lace").map(\.id) == [1001])
        #expect(try replica.search("100").map(\.id) == [77, 1001, 1002], "the holder named 100% first, then ids")
        #expect(try replica.search("18000").map(\.id) == [big])
        #expect(try replica.search("%").map(\.id) == [77], "a % is a character, not a wildcard")
        #expect(try replica.search("  ").isEmpty)
    }
}
