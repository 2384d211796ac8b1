import Shared

/// Reads a seat map from CSV lines `row,seat,label,ticket_class` (a header line naming those columns
/// may come first). Every bad line is reported with its number, and one bad line means nothing
/// is imported.
enum SeatMapCSV {
    struct LineError: Equatable, Sendable {
        let line: Int
        let problem: String
    }

    struct Problems: Error, Equatable {
        let lines: [LineError]
    }

    /// Row and seat names are shown on seat maps and gate screens beside the label.
    static let maxRowOrSeatBytes = 16

    /// The seats, or every problem found (at most `maxErrors`).
    static func parse(_ text: String, seatedClasses: Set<UInt16>, maxErrors: Int = 20) -> Result<[EventRepository.Seat], Problems> {
        var seats: [EventRepository.Seat] = []
        var errors: [LineError] = []
        var labels: [String: Int] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            guard errors.count < maxErrors else { break }
            guard let fields = fields(of: line) else {
                errors.append(LineError(line: number, problem: "unbalanced quotes"))
                continue
            }
            if number == 1, fields.map({ $0.lowercased() }) == ["row", "seat", "label", "ticket_class"] { continue }
            guard fields.count == 4 else {
                errors.append(LineError(line: number, problem: "expected 4 fields (row,seat,label,ticket_class), found \(fields.count)"))
                continue
            }
            let (row, seat, label, classText) = (fields[0], fields[1], fields[2], fields[3])
            if row.isEmpty || seat.isEmpty || label.isEmpty {
                errors.append(LineError(line: number, problem: "row, seat and label must not be empty"))
            } else if ![row, seat, label].allSatisfy(PrintableText.isPrintable) {
                errors.append(LineError(line: number, problem: "row, seat and label must be printable text (no control characters)"))
            } else if row.utf8.count > maxRowOrSeatBytes || seat.utf8.count > maxRowOrSeatBytes {
                errors.append(LineError(line: number, problem: "row and seat must be at most \(maxRowOrSeatBytes) bytes each"))
            } else if label.utf8.count > TokenLayout.maxSeatBytes {
                errors.append(LineError(line: number, problem: "label \"\(label)\" is longer than \(TokenLayout.maxSeatBytes) bytes"))
            } else if let first = labels[label] {
                errors.append(LineError(line: number, problem: "label \"\(label)\" is already used on line \(first)"))
            } else if let ticketClass = UInt16(classText), seatedClasses.contains(ticketClass) {
                labels[label] = number
                seats.append(.init(row: row, seat: seat, label: label, ticketClass: ticketClass))
            } else {
                errors.append(LineError(line: number, problem: "ticket class \"\(classText)\" is not a seated class of this event"))
            }
        }
        if seats.isEmpty && errors.isEmpty { errors.append(LineError(line: 1, problem: "the seat map has no seats")) }
        return errors.isEmpty ? .success(seats) : .failure(Problems(lines: errors))
    }

    /// Splits one line on commas, honouring double quotes ("" is a quote inside quotes).
    /// Returns nil when a quote is left open.
    static func fields(of line: Substring) -> [String]? {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var iterator = line.makeIterator()
        while let character = iterator.next() {
            switch character {
            case "\"" where quoted:
                var lookahead = iterator
                if lookahead.next() == "\"" {
                    current.append("\"")
                    iterator = lookahead
                } else {
                    quoted = false
                }
            case "\"" where current.isEmpty: quoted = true
            case "," where !quoted:
                fields.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            default: current.append(character)
            }
        }
        guard !quoted else { return nil }
        fields.append(current.trimmingCharacters(in: .whitespaces))
        return fields
    }
}
