import Foundation
import Shared

/// Real FT1 tickets for the scenes: signed and encrypted under a fresh key ring, with holders
/// and seats of varied length, so the codes come in the versions real tickets have.
public struct SceneTickets: Sendable {
    public static let eventID: UInt32 = 2026
    public let keys: KeyRing
    /// The QR text of ticket i + 1.
    public let tokens: [String]

    public init(count: Int, now: Int64 = Int64(Date().timeIntervalSince1970)) throws {
        keys = KeyRing.generate()
        let encoder = try TokenEncoder(activeKeyOf: keys)
        let names = ["Ana Li", "Jonathan Appleseed-Whitmore", "Søren Kierkegaard", "María José Fernández", "Bo", "Zoë Van der Berg"]
        tokens = try (1...UInt64(count)).map { id in
            try encoder.encode(TicketToken(
                ticketID: id, eventID: Self.eventID, notBefore: UInt32(now - 3_600), notAfter: UInt32(now + 86_400),
                ticketClass: UInt16(id % 3), seat: id % 4 == 0 ? "" : "Block \(id % 9) Row \(id % 40) Seat \(id % 30)",
                holder: names[Int(id) % names.count]))
        }
    }
}
