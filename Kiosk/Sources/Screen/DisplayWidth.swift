/// Text measured as a terminal shows it: in columns, not characters. Hangul, CJK and most emoji
/// take two columns (East Asian Wide and Fullwidth, and emoji shown as emoji), combining marks
/// and other zero-width characters none. A screen that pads or centres by characters overflows
/// its line on `정문-1` or `김민수`, and the terminal wraps it.
enum DisplayWidth {
    /// Columns `text` takes.
    static func of(_ text: some StringProtocol) -> Int {
        text.reduce(0) { $0 + columns(of: $1) }
    }

    /// The longest start of `text` that fits in `columns`, cut between characters (a wide one
    /// that would straddle the edge is left out whole).
    static func prefix(_ text: String, columns: Int) -> String {
        var used = 0
        var end = text.startIndex
        for index in text.indices {
            let width = Self.columns(of: text[index])
            guard used + width <= columns else { break }
            used += width
            end = text.index(after: index)
        }
        return String(text[..<end])
    }

    /// `text` cut to `columns` with an ellipsis when it does not fit.
    static func clipped(_ text: String, columns: Int) -> String {
        guard of(text) > columns else { return text }
        guard columns > 1 else { return prefix(text, columns: columns) }
        return prefix(text, columns: columns - 1) + "…"
    }

    /// A character's columns: an emoji shown as one is two; otherwise its first scalar decides,
    /// as the marks after it sit on it.
    static func columns(of character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if scalars.contains(where: { $0.properties.isEmojiPresentation })
            || (first.properties.isEmoji && scalars.contains("\u{FE0F}"))
        {
            return 2
        }
        return columns(of: first)
    }

    static func columns(of scalar: Unicode.Scalar) -> Int {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format, .control: return 0
        default: break
        }
        let value = scalar.value
        // Hangul vowels and final consonants join the syllable before them.
        if (0x1160...0x11FF).contains(value) || (0xD7B0...0xD7FF).contains(value) { return 0 }
        return scalar.properties.isEmojiPresentation || wideRanges.contains { $0.contains(value) } ? 2 : 1
    }

    /// East Asian Wide and Fullwidth blocks (Unicode's EastAsianWidth.txt, by block): Hangul
    /// Jamo and syllables, CJK ideographs and punctuation, kana, fullwidth forms. Emoji are
    /// told by their own property (`isEmojiPresentation`).
    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
        0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
        0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]
}
