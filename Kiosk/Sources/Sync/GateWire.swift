import Foundation
import GateProtocol
import Shared

// The gate API's wire types are the server's too: `GateProtocol` (Shared/GateProtocol/GateWire.swift).
// What is the kiosk's own: the error body it reads from any refusal, and its redeem ids.

/// The gate as the server describes it.
public typealias DeviceInfo = GateDevice

struct ErrorAnswer: Decodable, Sendable {
    struct Body: Decodable, Sendable {
        let code: String
        let message: String
    }
    let error: Body
}

/// A redeem's id: 128 random bits in hex, drawn per attempt.
enum RedeemID {
    static func draw() -> String {
        var generator = SystemRandomNumberGenerator()
        return Hex.encode((0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }
}
