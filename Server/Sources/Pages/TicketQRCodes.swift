import QRCodes
import Synchronization

/// Tickets' QR codes as inline SVG, drawn once per token: a token never changes (a reissue is a
/// new token), and people open My tickets again and again on the day. Bounded: when full, it
/// starts over, which costs only a redraw.
enum TicketQRCodes {
    private static let drawn = Mutex<[String: String]>([:])
    /// About 6 KB each: at most some 30 MB.
    static let capacity = 5_000

    static func svg(for token: String) -> String? {
        if let svg = drawn.withLock({ $0[token] }) { return svg }
        guard let code = try? QRCode(encoding: token, correction: .medium) else { return nil }
        let svg = QRRenderer.svg(code)
        drawn.withLock { drawn in
            if drawn.count >= capacity { drawn.removeAll(keepingCapacity: true) }
            drawn[token] = svg
        }
        return svg
    }
}
