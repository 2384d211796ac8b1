import Foundation
import Shared

/// Real FT1 tickets for the scenes, signed and encrypted, with holders and seats of varied
/// length so the codes come in the versions real tickets have. The same every run (a fixed test
/// key, fixed times, a nonce from the ticket id), so a scene draws the same modules each time
/// and a per-condition read count in a test means the same thing on every machine.
public struct SceneTickets: Sendable {
    public static let eventID: UInt32 = 2026
    /// 2026-09-22, an afternoon: the tickets are valid from an hour before to a day after.
    public static let now: Int64 = 1_790_000_000
    public let keys: KeyRing
    /// The QR text of ticket i + 1.
    public let tokens: [String]

    public init(count: Int) throws {
        let seed = (0..<UInt8(TicketSigner.seedSize)).map { $0 &* 37 &+ 11 }
        let key = try TokenKey(
            kid: 1, status: .active, aesKey: (0..<UInt8(AES128CTR.keySize)).map { $0 &* 91 &+ 5 },
            publicKey: TicketSigner(seed: seed).publicKey, seed: seed)
        keys = try KeyRing(keys: [key])
        let encoder = try TokenEncoder(activeKeyOf: keys)
        let names = ["Ana Li", "Jonathan Appleseed-Whitmore", "Søren Kierkegaard", "María José Fernández", "Bo", "Zoë Van der Berg"]
        tokens = try (1...UInt64(count)).map { id in
            // A nonce must never repeat under one key: each ticket id gives its own.
            let nonce = withUnsafeBytes(of: id.bigEndian) { Array($0) } + Array(repeating: 0xA5, count: TokenLayout.nonceSize - 8)
            return try encoder.encode(
                TicketToken(
                    ticketID: id, eventID: Self.eventID, notBefore: UInt32(Self.now - 3_600), notAfter: UInt32(Self.now + 86_400),
                    ticketClass: UInt16(id % 3), seat: id % 4 == 0 ? "" : "Block \(id % 9) Row \(id % 40) Seat \(id % 30)",
                    holder: names[Int(id) % names.count]),
                nonce: nonce)
        }
    }
}
