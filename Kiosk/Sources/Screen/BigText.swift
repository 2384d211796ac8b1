/// Letters five rows high, for a verdict that can be read from three metres away.
enum BigText {
    static let height = 5

    private static let glyphs: [Character: [String]] = [
        "A": [" ███ ", "█   █", "█████", "█   █", "█   █"],
        "D": ["████ ", "█   █", "█   █", "█   █", "████ "],
        "E": ["█████", "█    ", "████ ", "█    ", "█████"],
        "I": ["█████", "  █  ", "  █  ", "  █  ", "█████"],
        "K": ["█   █", "█  █ ", "███  ", "█  █ ", "█   █"],
        "L": ["█    ", "█    ", "█    ", "█    ", "█████"],
        "M": ["█   █", "██ ██", "█ █ █", "█   █", "█   █"],
        "N": ["█   █", "██  █", "█ █ █", "█  ██", "█   █"],
        "O": [" ███ ", "█   █", "█   █", "█   █", " ███ "],
        "P": ["████ ", "█   █", "████ ", "█    ", "█    "],
        "R": ["████ ", "█   █", "████ ", "█  █ ", "█   █"],
        "S": [" ████", "█    ", " ███ ", "    █", "████ "],
        "T": ["█████", "  █  ", "  █  ", "  █  ", "  █  "],
        "X": ["█   █", " █ █ ", "  █  ", " █ █ ", "█   █"],
        "Y": ["█   █", " █ █ ", "  █  ", "  █  ", "  █  "],
        " ": ["   ", "   ", "   ", "   ", "   "],
    ]

    /// The rows of `word` in block letters, one column between letters.
    static func rows(_ word: String) -> [String] {
        (0..<height).map { row in
            word.uppercased().map { glyphs[$0]?[row] ?? glyphs[" "]![row] }.joined(separator: " ")
        }
    }

    /// The width `rows(word)` takes.
    static func width(_ word: String) -> Int { rows(word)[0].count }
}
