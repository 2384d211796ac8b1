import Hummingbird
import Shared

/// A person who can sign in.
public struct Account: Sendable, Equatable {
    public enum Role: String, Sendable, Codable, CaseIterable, SQLiteColumnValue {
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

    init(id: Int64, email: String, displayName: String, role: Role) {
        self.id = id
        self.email = email
        self.displayName = displayName
        self.role = role
    }

    init(row: SQLiteRow) throws {
        id = try row["id"]
        email = try row["email"]
        displayName = try row["display_name"]
        role = try row["role"]
    }

    static let columns = "id, email, display_name, role"
}

/// An account as the API shows it.
struct AccountResponse: Encodable, Sendable, ResponseEncodable {
    let id: Int64
    let email: String
    let displayName: String
    let role: String

    init(_ account: Account) {
        id = account.id
        email = account.email
        displayName = account.displayName
        role = account.role.rawValue
    }
}

struct SignedInResponse: ResponseEncodable, Sendable {
    let account: AccountResponse
    let sessionToken: String
}
