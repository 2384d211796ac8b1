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

    /// The line: left parts and right parts joined by ` · `, apart by at least one space. It may
    /// be wider than `columns`: the caller shortens parts until it is not.
    func text(columns: Int) -> String {
        func joined(left: Bool) -> String {
            parts.filter { $0.left == left && !$0.text.isEmpty }.map(\.text).joined(separator: " · ")
        }
        let left = " " + joined(left: true)
        let right = joined(left: false) + " "
        let gap = columns - DisplayWidth.of(left) - DisplayWidth.of(right)
        return left + String(repeating: " ", count: max(1, gap)) + right
    }
}
