import Shared

/// An event's waiting room as its organisers set it (docs/FAIRNESS.md): it opens at `opensAt`,
/// draws everyone who joined by the sale's opening into a random order, and from then on lets
/// `activeBuyers` people at a time hold a turn of `turnSeconds` to book.
public struct WaitingRoomSettings: Sendable, Equatable {
    public let opensAt: Int64
    public let activeBuyers: Int
    public let turnSeconds: Int64

    public static let defaultActiveBuyers = 200
    public static let defaultTurnSeconds: Int64 = 600

    public init(opensAt: Int64, activeBuyers: Int = defaultActiveBuyers, turnSeconds: Int64 = defaultTurnSeconds) {
        self.opensAt = opensAt
        self.activeBuyers = activeBuyers
        self.turnSeconds = turnSeconds
    }
}

/// The room as stored: its settings, the seed of its draw and when the draw happened.
struct WaitingRoom: Sendable {
    let eventID: UInt32
    let settings: WaitingRoomSettings
    let seed: [UInt8]
    let drawnAt: Int64?

    /// What is published before the draw: the seed's SHA-256.
    var commitment: [UInt8] { SHA256.hash(seed) }

    init(row: SQLiteRow) throws {
        eventID = try row["event_id"]
        settings = WaitingRoomSettings(opensAt: try row["opens_at"], activeBuyers: try row["active_buyers"], turnSeconds: try row["turn_seconds"])
        seed = try row["seed"]
        drawnAt = try row["drawn_at"]
    }
}

/// A setting an organiser may leave out (left as it is), send as `null` (turned off) or give:
/// the `waiting_room` field of an event.
enum SettingChange<Value: Sendable & Equatable>: Sendable, Equatable {
    case unchanged
    case off
    case on(Value)

    func map<Other>(_ transform: (Value) throws -> Other) rethrows -> SettingChange<Other> {
        switch self {
        case .unchanged: .unchanged
        case .off: .off
        case .on(let value): .on(try transform(value))
        }
    }
}

/// `{"opens_at": T, "active_buyers": N, "turn_seconds": S}`; the last two have defaults.
struct WaitingRoomInput: Decodable, Sendable, Equatable {
    var opensAt: Int64
    var activeBuyers: Int?
    var turnSeconds: Int64?

    /// The settings, or the first rule they break. The room must open before the sale does.
    func validated(saleOpensAt: Int64) throws -> WaitingRoomSettings {
        guard (0...Int64(UInt32.max - 1)).contains(opensAt), opensAt < saleOpensAt else {
            throw InputError.waitingRoom(.opensAt)
        }
        let activeBuyers = activeBuyers ?? WaitingRoomSettings.defaultActiveBuyers
        guard (1...100_000).contains(activeBuyers) else {
            throw InputError.waitingRoom(.activeBuyers)
        }
        let turnSeconds = turnSeconds ?? WaitingRoomSettings.defaultTurnSeconds
        guard (60...86_400).contains(turnSeconds) else {
            throw InputError.waitingRoom(.turnSeconds)
        }
        return WaitingRoomSettings(opensAt: opensAt, activeBuyers: activeBuyers, turnSeconds: turnSeconds)
    }
}

extension SettingChange: Decodable where Value: Decodable {
    /// A value present in JSON: `null` turns the setting off. (A field left out never gets here:
    /// see `KeyedDecodingContainer.decodeIfPresent` beside `EventInput`.)
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        self = container.decodeNil() ? .off : .on(try container.decode(Value.self))
    }
}
