/// An origin as a browser compares them: scheme, host and port, lowercased, with the scheme's
/// default port left out, so `https://tickets.example.org:443/` and the `Origin:
/// https://tickets.example.org` a browser sends are the same site.
public struct WebOrigin: Equatable, Sendable, CustomStringConvertible {
    public let scheme: String
    public let host: String
    /// nil for the scheme's default (80 for http, 443 for https).
    public let port: Int?

    /// The origin of `url` (`https://example.org:8443/some/page?x`); nil for anything that is
    /// not an http or https URL with a well-formed host.
    public init?(url: String) {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        let authority = url[schemeEnd.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard let (host, port) = Self.hostAndPort(String(authority)) else { return nil }
        self.scheme = scheme
        self.host = host
        self.port = port == (scheme == "https" ? 443 : 80) ? nil : port
    }

    /// The origin a request reached under `scheme`, from its Host header.
    init?(scheme: String, authority: String) {
        self.init(url: "\(scheme)://\(authority)")
    }

    public var description: String { "\(scheme)://\(host)" + (port.map { ":\($0)" } ?? "") }

    /// Whether `authority` is what a Host header may be: a name of letters, digits, `.`, `-`
    /// and `_`, an IPv4 address or a bracketed IPv6 one, and an optional port of 1 to 65535.
    /// Anything else (`evil.example:1/x?`) is refused, never reflected into a URL.
    static func isWellFormedAuthority(_ authority: String) -> Bool {
        hostAndPort(authority) != nil
    }

    private static func hostAndPort(_ authority: String) -> (host: String, port: Int?)? {
        var host = Substring(authority)
        var port: Int?
        if let colon = authority.lastIndex(of: ":"), !authority[colon...].contains("]") {
            let digits = authority[authority.index(after: colon)...]
            guard (1...5).contains(digits.count), digits.allSatisfy(\.isASCII), let number = Int(digits), (1...65_535).contains(number) else {
                return nil
            }
            port = number
            host = authority[..<colon]
        }
        let isName = !host.isEmpty && host.utf8.count <= 253
            && host.utf8.allSatisfy { byte in
                (0x61...0x7A).contains(byte | 0x20) || (0x30...0x39).contains(byte) || byte == 0x2E || byte == 0x2D || byte == 0x5F
            }
        let isIPv6 = host.hasPrefix("[") && host.hasSuffix("]") && host.count > 2
            && host.dropFirst().dropLast().utf8.allSatisfy { byte in
                (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte | 0x20) || byte == 0x3A || byte == 0x2E
            }
        guard isName || isIPv6 else { return nil }
        return (host.lowercased(), port)
    }
}
