import Foundation
import Kiosk
import Shared
import Testing

/// The gate screen measures text in terminal columns: Hangul takes two, so a Korean gate name,
/// holder or seat never makes a line wrap, and a narrow status line is said shorter instead of
/// cut mid-word (issue 21, 18).
@Suite("Kiosk screen: text measured in columns")
struct ScreenWidthTests {
    static let now: Int64 = 1_790_000_000_000

    /// Columns a line takes on a terminal, measured here independently of the kiosk: Hangul
    /// syllables and jamo leads are two, combining marks none, the rest one. ANSI colour escapes
    /// take none.
    static func columns(_ line: Substring) -> Int {
        let visible = line.replacing(/\u{1B}\[[0-9;]*[A-Za-z]/, with: "")
        return visible.unicodeScalars.reduce(0) { total, scalar in
            switch scalar.value {
            case 0xAC00...0xD7A3, 0x1100...0x115F: total + 2
            case 0x0300...0x036F: total
            default: total + 1
            }
        }
    }

    static func lines(_ frame: String) -> [Substring] {
        frame.split(separator: "\r\n", omittingEmptySubsequences: false)
    }

    static func onlineState(gate: String) -> ScreenState {
        var state = ScreenState(gate: gate, eventID: 2, direction: .entry)
        state.camera = .streaming
        state.link = SyncStatus.Snapshot(connection: .online, syncedAt: now - 3_000)
        return state
    }

    @Test("18. a Korean gate name breaks the kiosk's status line no more: every line is exactly as wide as the terminal")
    func koreanGateNameBreaksTheStatusLine() throws {
        let frame = KioskScreen.render(Self.onlineState(gate: "정문-1"), columns: 80, rows: 24, now: Self.now)
        let lines = Self.lines(frame)
        #expect(lines.count == 24)
        for (number, line) in lines.enumerated() {
            #expect(Self.columns(line) == 80, "line \(number) takes \(Self.columns(line)) columns: \(line)")
        }
        let status = String(lines[0])
        #expect(status.contains("정문-1") && status.contains("ENTRY") && status.contains("ONLINE"), "\(status)")
        #expect(!status.contains("unsynce ") && !status.contains("event 2camera") && !status.contains("…"), "\(status)")
        // The ASCII gate keeps its words at 80 columns too.
        let north = String(Self.lines(KioskScreen.render(Self.onlineState(gate: "North-1"), columns: 80, rows: 24, now: Self.now))[0])
        #expect(north.contains("North-1") && north.contains("ONLINE") && Self.columns(Substring(north)) == 80, "\(north)")
    }

    @Test("18. the least important parts are said shorter first; the gate, direction, camera and link stay whatever the width")
    func statusLineShortensPartsNotWords() {
        var state = Self.onlineState(gate: "정문-동쪽-임시-입구-1")
        state.counters.pending = 12
        for columns in [40, 60, 80, 100, 160] {
            let status = String(Self.lines(KioskScreen.render(state, columns: columns, rows: 24, now: Self.now))[0])
            #expect(Self.columns(Substring(status)) == columns, "\(columns): \(status)")
            #expect(status.contains("ENTRY") && status.contains("ONLINE") && status.contains("12 unsynced"), "\(columns): \(status)")
            #expect(status.contains(columns >= 80 ? "정문-동쪽-임시-입구-1" : "정문-"), "\(columns): \(status)")
            #expect(!status.contains("ENTRY c") && !status.contains("unsync…"), "the sides stay apart, words whole: \(status)")
        }
        let wide = String(Self.lines(KioskScreen.render(state, columns: 160, rows: 24, now: Self.now))[0])
        #expect(wide.contains("gate 정문-동쪽-임시-입구-1") && wide.contains("event 2") && wide.contains("replica 3 s old"), "\(wide)")
    }

    @Test("18. holder names and seats in Hangul are centred by columns on the verdict, and the look-up list keeps its width")
    func koreanVerdictAndLookup() throws {
        var state = Self.onlineState(gate: "정문-1")
        state.verdict = Verdict(
            reason: .ok, ticketID: 42, time: Self.now, source: .camera, direction: .entry, gate: "정문-1", holder: "김민수", seat: "가-12",
            ticketClass: 1)
        state.verdictShownAt = Self.now
        let lines = Self.lines(KioskScreen.render(state, columns: 80, rows: 24, now: Self.now))
        let holder = try #require(lines.first { $0.contains("김민수") })
        #expect(Self.columns(holder) == 80)
        let visible = holder.replacing(/\u{1B}\[[0-9;]*[A-Za-z]/, with: "")
        let before = visible.prefix { $0 == " " }.count
        let after = visible.reversed().prefix { $0 == " " }.count
        #expect(abs(before - after) <= 1, "centred by columns: \(before) before, \(after) after")

        // A name too long for the line is cut with an ellipsis, inside the line.
        state.verdict?.holder = String(repeating: "김", count: 60)
        for line in Self.lines(KioskScreen.render(state, columns: 80, rows: 24, now: Self.now)) {
            #expect(Self.columns(line) == 80)
        }
    }
}
