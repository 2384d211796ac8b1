import Hummingbird
import Synchronization

/// Which methods each routed path answers, so a request with another method on a known path is
/// `405` with `Allow` instead of a misleading `404`.
final class MethodTable: Sendable {
    private let routes = Mutex<[(components: [Substring], method: HTTPRequest.Method)]>([])

    /// Takes the router's routes, once they are all added.
    func load(_ descriptions: [Router<AppRequestContext>.RouteDescription]) {
        routes.withLock { routes in
            routes = descriptions.map { (Self.components("\($0.path)"), $0.method) }
        }
    }

    /// The methods served at `path`, sorted; empty when no route has this path. (HEAD, which the
    /// router answers wherever GET works, goes unlisted with GET, as it always has here.)
    func methods(at path: String) -> [String] {
        let wanted = Self.components(path)
        let methods = routes.withLock { routes in
            routes.filter { Self.matches($0.components, wanted) }.map(\.method.rawValue)
        }
        return Array(Set(methods)).sorted()
    }

    private static func components(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    private static func matches(_ pattern: [Substring], _ path: [Substring]) -> Bool {
        pattern.count == path.count && zip(pattern, path).allSatisfy(matches)
    }

    /// One component of a route as the router describes it: `tickets`, `{ticketID}`, `*`, or a
    /// capture with a fixed prefix or suffix (`{id}.csv`).
    private static func matches(_ pattern: Substring, _ component: Substring) -> Bool {
        if pattern == "*" { return true }
        guard let open = pattern.firstIndex(of: "{"), let close = pattern.lastIndex(of: "}"), open < close else {
            return pattern == component
        }
        let prefix = pattern[..<open]
        let suffix = pattern[pattern.index(after: close)...]
        return component.count > prefix.count + suffix.count && component.hasPrefix(prefix) && component.hasSuffix(suffix)
    }
}
