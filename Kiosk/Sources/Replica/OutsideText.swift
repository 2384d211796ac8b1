/// Text that comes from outside the kiosk (a server's feed and answers, an import file) as the
/// kiosk keeps and shows it. One rule for every source: a hostile server must not get further
/// than a hostile file, and neither may write to the operator's terminal.
public enum OutsideText {
    /// Holder names, seats, gate names: what an import has always allowed.
    public static let maxBytes = 200

    /// Whether `text` may be stored: at most `maxBytes` of UTF-8 and no control character (a
    /// terminal acts on them: ESC starts an escape sequence, C1's CSI does the same alone).
    public static func isAcceptable(_ text: String) -> Bool {
        text.utf8.count <= maxBytes && !text.unicodeScalars.contains(where: isControl)
    }

    /// `text` safe to print on a terminal: control characters written as `\u{1B}`, and cut at
    /// `limit` bytes with an ellipsis. For text stored before the rule, and for servers' messages.
    public static func printable(_ text: String, limit: Int = maxBytes) -> String {
        var shown = ""
        for scalar in text.unicodeScalars {
            let piece = isControl(scalar) ? "\\u{\(String(scalar.value, radix: 16, uppercase: true))}" : String(scalar)
            guard shown.utf8.count + piece.utf8.count <= limit else { return shown + "…" }
            shown += piece
        }
        return shown
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control
    }
}
