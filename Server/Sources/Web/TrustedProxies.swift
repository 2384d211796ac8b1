import Foundation
import HTTPTypes
import Hummingbird
#if canImport(Glibc)
import Glibc
#endif

/// An address range such as `10.0.0.0/8`, `192.168.1.7` or `::1/128`: `--trusted-proxy`.
public struct IPPrefix: Sendable, Equatable, CustomStringConvertible {
    let bytes: [UInt8]
    let length: Int

    /// nil for anything that is not an IPv4 or IPv6 address with an optional `/prefix` in range.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let bytes = Self.address(String(parts[0])) else { return nil }
        let length = parts.count == 2 ? Int(parts[1]) : bytes.count * 8
        guard let length, (0...bytes.count * 8).contains(length) else { return nil }
        self.bytes = bytes
        self.length = length
    }

    public var description: String { "\(bytes.map(String.init).joined(separator: bytes.count == 4 ? "." : ":"))/\(length)" }

    /// Whether `address` (text, as a peer's or in `X-Forwarded-For`) lies in this range.
    func contains(_ address: String) -> Bool {
        guard let other = Self.address(address), other.count == bytes.count else { return false }
        let whole = length / 8
        guard other.prefix(whole) == bytes.prefix(whole) else { return false }
        let rest = length % 8
        guard rest > 0 else { return true }
        let mask = UInt8(0xFF) << (8 - rest)
        return other[whole] & mask == bytes[whole] & mask
    }

    /// The 4 or 16 bytes of an address written as text. The corresponding C call is `inet_pton`.
    static func address(_ text: String) -> [UInt8]? {
        let text = text.trimmingCharacters(in: CharacterSet(charactersIn: " []"))
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}

/// Behind a reverse proxy every request comes from the proxy's address, so throttles would
/// lump everyone together. A peer in `--trusted-proxy` is believed about the client it forwards
/// for (`X-Forwarded-For`, read from the right: the first address not itself a trusted proxy);
/// anyone else's `X-Forwarded-For` is ignored, since a client can write whatever it likes there.
struct ForwardedClientMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let trusted: [IPPrefix]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.clientAddress = Self.client(peer: context.clientAddress, forwardedFor: request.headers[values: Self.forwardedFor], trusted: trusted)
        return try await next(request, context)
    }

    private static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    static func client(peer: String?, forwardedFor headers: [String], trusted: [IPPrefix]) -> String? {
        guard let peer, trusted.contains(where: { $0.contains(peer) }) else { return peer }
        let hops = headers.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        var client = peer
        for hop in hops.reversed() {
            guard IPPrefix.address(hop) != nil else { break }  // a malformed hop: stop believing here
            client = hop
            if !trusted.contains(where: { $0.contains(hop) }) { break }
        }
        return client
    }
}
