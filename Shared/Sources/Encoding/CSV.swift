/// CSV for spreadsheets (RFC 4180, CRLF lines), safe to open: no field is read as a formula.
public enum CSV {
    /// One line of fields, with its CRLF.
    public static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }

    /// A field quoted when it must be, and never read by a spreadsheet as a formula (a name
    /// such as `=HYPERLINK(…)` gets a leading apostrophe). Both are judged on Unicode scalars,
    /// not characters: `=` with a combining accent is one character that is not `=`, yet a
    /// spreadsheet still sees the `=`; and `\r\n` is one character that is neither `\r` nor `\n`.
    public static func field(_ text: String) -> String {
        var text = text
        if let first = text.unicodeScalars.first, formulaStarts.contains(first) { text = "'" + text }
        guard text.unicodeScalars.contains(where: needsQuotes.contains) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r", "\n"]
    private static let needsQuotes: Set<Unicode.Scalar> = [",", "\"", "\r", "\n"]
}
