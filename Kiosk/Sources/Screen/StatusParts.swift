/// The parts of the kiosk's status line, each with its forms from the longest to the shortest
/// (an empty form leaves the part out), so a narrow screen says a part shorter instead of
/// cutting the line in the middle of a word.
struct StatusParts {
    private struct Part {
        let forms: [String]
        var level = 0
        let left: Bool
        var text: String { forms[level] }
    }

    private var parts: [Part] = []

    /// Adds a part on the left (gate, direction) or the right (camera, link); its number, for
    /// `shorten`.
    @discardableResult
    mutating func add(_ forms: [String], left: Bool) -> Int {
        parts.append(Part(forms: forms, left: left))
        return parts.count - 1
    }

    /// Says part `index` one step shorter, if it has a shorter form.
    mutating func shorten(_ index: Int) {
        parts[index].level = min(parts[index].level + 1, parts[index].forms.count - 1)
    }

    /// Cuts part `index` (a gate's long name) with an ellipsis until the line fits `columns`,
    /// keeping at least its first character.
    mutating func clip(_ index: Int, toFit columns: Int) {
        let text = parts[index].text
        let room = DisplayWidth.of(text) - overflow(columns)
        parts[index] = Part(forms: [DisplayWidth.clipped(text, columns: max(2, room))], left: parts[index].left)
    }

    /// Whether the line fits `columns` with its two sides apart.
    func fits(_ columns: Int) -> Bool { overflow(columns) <= 0 }

    /// The line: left parts and right parts joined by ` · `, the sides apart; once it `fits`,
    /// exactly `columns` wide.
    func text(columns: Int) -> String {
        let (left, right) = sides
        let gap = columns - DisplayWidth.of(left) - DisplayWidth.of(right)
        return left + String(repeating: " ", count: max(Self.minimumGap, gap)) + right
    }

    /// Two spaces at least between the sides, so `ENTRY` and `camera ok` never read as one.
    private static let minimumGap = 2

    private func overflow(_ columns: Int) -> Int {
        let (left, right) = sides
        return DisplayWidth.of(left) + Self.minimumGap + DisplayWidth.of(right) - columns
    }

    private var sides: (left: String, right: String) {
        func joined(left: Bool) -> String {
            parts.filter { $0.left == left && !$0.text.isEmpty }.map(\.text).joined(separator: " · ")
        }
        return (" " + joined(left: true), joined(left: false) + " ")
    }
}
