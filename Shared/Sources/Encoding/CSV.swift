/// CSV for spreadsheets (RFC 4180, CRLF lines), safe to open: no field is read as a formula.
public enum CSV {
    /// One line of fields, with its CRLF.
    public static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }

    /// A field quoted when it must be, and never read by a spreadsheet as a formula (a name
    /// such as `=HYPERLINK(…)` gets a leading apostrophe).
    public static func field(_ text: String) -> String {
        var text = text
        if let first = text.first, "=+-@\t\r".contains(first) { text = "'" + text }
        guard text.contains(where: { ",\"\r\n".contains($0) }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
