/// Why a change to an account was refused.
public enum AccountError: Error, Equatable, Sendable {
    case notFound
    case emailTaken
    case lastOrganiser
}

extension AccountError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .notFound: "no such account"
        case .emailTaken: "an account with this email already exists"
        case .lastOrganiser: "this is the only organiser: make someone else an organiser first, or nobody could run the event"
        }
    }
}
