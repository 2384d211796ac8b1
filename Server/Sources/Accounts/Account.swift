import Shared

/// A person who can sign in.
public struct Account: Sendable, Equatable {
    public enum Role: String, Sendable, Codable, CaseIterable {
        case attendee, staff, organiser

        /// Organisers may do what staff may, and staff what attendees may.
        public func includes(_ other: Role) -> Bool { rank >= other.rank }

        private var rank: Int {
            switch self {
            case .attendee: 0
            case .staff: 1
            case .organiser: 2
            }
        }
    }

    public let id: Int64
    public let email: String
    /// Printed into every ticket as the holder: at most 48 bytes of UTF-8, as FT1 allows.
    public let displayName: String
    public let role: Role

    var json: JSONValue {
        .object([
            ("id", .integer(id)), ("email", .string(email)), ("display_name", .string(displayName)),
            ("role", .string(role.rawValue)),
        ])
    }

    init(row: SQLiteRow) {
        id = row.int64(0)!
        email = row.string(1)!
        displayName = row.string(2)!
        role = Role(rawValue: row.string(3)!) ?? .attendee
    }

    static let columns = "id, email, display_name, role"
}
