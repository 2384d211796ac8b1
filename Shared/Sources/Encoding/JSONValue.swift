/// A JSON value whose objects keep their fields in the order given, for output that people and
/// scripts read line by line (`check-token`, the kiosk's `--json` verdicts). Foundation's
/// `JSONEncoder` on Linux orders fields arbitrarily.
public indirect enum JSONValue: Equatable, Sendable, CustomStringConvertible {
    case null
    case bool(Bool)
    case integer(Int64)
    case unsigned(UInt64)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool { lhs.description == rhs.description }

    /// Compact JSON text, one line.
    public var description: String {
        var text = ""
        write(to: &text)
        return text
    }

    private func write(to text: inout String) {
        switch self {
        case .null: text += "null"
        case .bool(let value): text += value ? "true" : "false"
        case .integer(let value): text += String(value)
        case .unsigned(let value): text += String(value)
        case .string(let value): Self.writeString(value, to: &text)
        case .array(let values):
            text += "["
            for (index, value) in values.enumerated() {
                if index > 0 { text += "," }
                value.write(to: &text)
            }
            text += "]"
        case .object(let fields):
            text += "{"
            for (index, (name, value)) in fields.enumerated() {
                if index > 0 { text += "," }
                Self.writeString(name, to: &text)
                text += ":"
                value.write(to: &text)
            }
            text += "}"
        }
    }

    private static func writeString(_ value: String, to text: inout String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}

extension DecodedToken {
    /// The ticket's fields in the spec's order, then its kid, with the spec's snake_case names.
    public var json: JSONValue {
        .object([
            ("ticket_id", .unsigned(ticket.ticketID)),
            ("event_id", .unsigned(UInt64(ticket.eventID))),
            ("not_before", .unsigned(UInt64(ticket.notBefore))),
            ("not_after", .unsigned(UInt64(ticket.notAfter))),
            ("ticket_class", .unsigned(UInt64(ticket.ticketClass))),
            ("flags", .unsigned(UInt64(ticket.flags.rawValue))),
            ("seat", .string(ticket.seat)),
            ("holder", .string(ticket.holder)),
            ("kid", .unsigned(UInt64(kid))),
        ])
    }
}
