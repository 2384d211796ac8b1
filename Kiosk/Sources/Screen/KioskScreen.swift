import Shared

/// Draws `ScreenState` as one frame of ANSI text: a status line, the verdict as a big green or
/// red block, and the counters. Pure: the same state and size give the same text.
public enum KioskScreen {
    /// How long a verdict stays up after the code left the camera's view, in milliseconds.
    public static let verdictHold: Int64 = 4_000

    public static func render(_ state: ScreenState, columns: Int, rows: Int, now: Int64) -> String {
        let columns = max(columns, 40), rows = max(rows, 12)
        var lines = [String]()
        lines.append(statusLine(state, columns: columns, now: now))
        let middle = rows - 3
        if let lookup = state.lookup {
            lines += lookupLines(lookup, columns: columns, rows: middle)
        } else if let verdict = state.verdict, now - state.verdictShownAt <= verdictHold {
            lines += verdictBlock(verdict, columns: columns, rows: middle)
        } else {
            lines += readyBlock(state, columns: columns, rows: middle)
        }
        lines.append(style("", columns: columns, colour: ""))
        lines.append(countersLine(state, columns: columns))
        return "\u{1B}[H" + lines.joined(separator: "\r\n") + "\u{1B}[0m"
    }

    // MARK: Parts

    /// Gate, direction and event on the left; camera, link and unsynced scans on the right. When
    /// the line is too narrow (80 columns, a long or Korean gate name), the least important
    /// parts are said shorter, then left out, one at a time: never cut in the middle of a word.
    private static func statusLine(_ state: ScreenState, columns: Int, now: Int64) -> String {
        let camera: [String]
        switch state.camera {
        case .starting: camera = ["camera starting", "cam starting"]
        // A working camera is the normal state: on a very narrow screen it goes unsaid (a lost
        // one fills the middle of the screen besides).
        case .streaming: camera = ["camera ok", "cam ok", ""]
        case .lost: camera = ["CAMERA LOST"]
        case .ended: camera = ["recording ended", "rec ended"]
        }
        var colour = state.camera.isLost ? "\u{1B}[1;97;41m" : "\u{1B}[30;47m"
        var line = StatusParts()
        let brand = line.add(["FestivalGate", ""], left: true)
        let gate = line.add(["gate \(state.gate)", state.gate], left: true)
        line.add([state.direction == .entry ? "ENTRY" : "EXIT"], left: true)
        let event = line.add(["event \(state.eventID)", "ev \(state.eventID)", ""], left: true)
        let cameraPart = line.add(camera, left: false)
        let age: Int
        var clock: Int?
        if let link = state.link {
            line.add([connectionText(link.connection)], left: false)
            let since = link.syncedAt.map { shortDuration(now - $0) }
            age = line.add(since.map { ["replica \($0) old", "\($0) old", ""] } ?? ["replica never synced", "never synced"], left: false)
            if abs(link.clockOffset) > SyncStatus.clockWarning {
                let off = shortDuration(abs(link.clockOffset))
                clock = line.add(["CLOCK OFF BY \(off): server time used", "CLOCK OFF \(off)"], left: false)
            }
            switch link.connection {
            case .revoked: colour = "\u{1B}[1;97;41m"
            case .offline where !state.camera.isLost: colour = "\u{1B}[1;30;43m"
            default: break
            }
        } else {
            let since = state.lastImportAt.map { duration(now - $0) }
            age = line.add(since.map { ["tickets \($0) old", "\($0) old", ""] } ?? ["no tickets imported", "no tickets"], left: false)
        }
        let pending = state.counters.pending
        let unsynced = line.add(pending == 0 ? ["0 unsynced", ""] : ["\(pending) unsynced"], left: false)
        // Least important first: each step says one part shorter, or leaves it out; a gate name
        // too long for what is left is cut last, with an ellipsis.
        let squeeze = [brand, event, age, clock, gate, cameraPart, event, age, unsynced, cameraPart].compactMap { $0 }
        for part in squeeze where !line.fits(columns) {
            line.shorten(part)
        }
        if !line.fits(columns) { line.clip(gate, toFit: columns) }
        return style(line.text(columns: columns), columns: columns, colour: colour)
    }

    private static func connectionText(_ connection: SyncStatus.Connection) -> String {
        switch connection {
        case .standalone: ""
        case .connecting: "connecting"
        case .online: "ONLINE"
        case .offline: "OFFLINE"
        case .revoked: "DEVICE REVOKED: judging offline"
        }
    }

    /// "12 s" under a minute, then as `duration`.
    static func shortDuration(_ milliseconds: Int64) -> String {
        milliseconds < 60_000 ? "\(max(0, milliseconds / 1_000)) s" : duration(milliseconds)
    }

    private static func verdictBlock(_ verdict: Verdict, columns: Int, rows: Int) -> [String] {
        let colour = verdict.admitted ? "\u{1B}[1;97;42m" : "\u{1B}[1;97;41m"
        let word = verdict.admitted ? (verdict.direction == .entry ? "ENTER" : "EXIT OK") : "STOP"
        var text = [verdict.reason.headline.uppercased()]
        if let holder = verdict.holder, !holder.isEmpty { text.append(holder) }
        let place = [verdict.seat.flatMap { $0.isEmpty ? nil : "seat \($0)" }, verdict.ticketClass.map { "class \($0)" }]
            .compactMap { $0 }.joined(separator: " · ")
        if !place.isEmpty { text.append(place) }
        if verdict.reason == .alreadyUsed, let usedAt = verdict.usedAt {
            text.append("first used at \(KioskTime.clockTime(milliseconds: usedAt)) at gate \(verdict.usedGate ?? "?")")
        }
        if let detail = verdict.detail { text.append(detail) }
        if verdict.admitted, !verdict.inReplica, verdict.source == .camera { text.append("(bought after the last ticket import)") }
        if verdict.source == .manual { text.append("(admitted by hand)") }
        if let id = verdict.ticketID { text.append("ticket \(id)") }
        return block(word: word, text: text, columns: columns, rows: rows, colour: colour)
    }

    private static func readyBlock(_ state: ScreenState, columns: Int, rows: Int) -> [String] {
        if let alert = state.alert {
            return block(word: "STOP", text: [alert, "call the festival office"], columns: columns, rows: rows, colour: "\u{1B}[1;97;41m")
        }
        if case .lost(let reason) = state.camera {
            return block(word: "NO CAMERA", text: [reason, "reconnecting…", "type / to look a ticket up by hand"], columns: columns, rows: rows, colour: "\u{1B}[1;30;43m")
        }
        if let hint = state.hint {
            return block(word: hint.words.word, text: [hint.words.line], columns: columns, rows: rows, colour: "\u{1B}[1;30;46m")
        }
        return block(word: "READY", text: ["hold your ticket's QR code up to the camera"], columns: columns, rows: rows, colour: "\u{1B}[97;44m")
    }

    private static func lookupLines(_ lookup: ScreenState.Lookup, columns: Int, rows: Int) -> [String] {
        var lines = [style(" LOOK UP A TICKET: type part of its number or the holder's name", columns: columns, colour: "\u{1B}[1;30;47m")]
        lines.append(style(" > \(lookup.query)█", columns: columns, colour: "\u{1B}[0m"))
        lines.append(style("", columns: columns, colour: "\u{1B}[0m"))
        for (index, ticket) in lookup.results.prefix(max(0, rows - 5)).enumerated() {
            let state = ticket.status != .valid ? ticket.status.rawValue.uppercased()
                : ticket.inside ? "INSIDE" : ticket.usedAt != nil ? "USED" : "not used"
            let row = " \(ticket.id)  \(ticket.holder)  \(ticket.seat.isEmpty ? "" : "seat \(ticket.seat)  ")\(state)"
            lines.append(style(row, columns: columns, colour: index == lookup.selected ? "\u{1B}[1;30;46m" : "\u{1B}[0m"))
        }
        if lookup.results.isEmpty && !lookup.query.isEmpty { lines.append(style(" no ticket matches", columns: columns, colour: "\u{1B}[0m")) }
        while lines.count < rows - 1 { lines.append(style("", columns: columns, colour: "\u{1B}[0m")) }
        lines.append(style(" ↑↓ choose · Enter admit · Esc back to scanning", columns: columns, colour: "\u{1B}[30;47m"))
        return Array(lines.prefix(rows))
    }

    private static func countersLine(_ state: ScreenState, columns: Int) -> String {
        var parts = ["admitted \(state.counters.admitted)", "rejected \(state.counters.rejected)"]
        if state.counters.exited > 0 || state.direction == .exit {
            parts += ["left \(state.counters.exited)", "inside \(state.counters.inside)"]
        }
        return style(fit(" " + parts.joined(separator: " · "), "/ look up · Ctrl-C quit ", columns: columns), columns: columns, colour: "\u{1B}[1;30;47m")
    }

    /// A full-width coloured block: the word in big letters when it fits, else plain, then the text.
    private static func block(word: String, text: [String], columns: Int, rows: Int, colour: String) -> [String] {
        var content = [String]()
        let big = BigText.width(word) <= columns - 4 && rows >= BigText.height + text.count + 2
        content += big ? BigText.rows(word) : [word]
        content.append("")
        content += text
        let top = max(0, (rows - content.count) / 2)
        var lines = Array(repeating: style("", columns: columns, colour: colour), count: top)
        for line in content.prefix(rows - top) { lines.append(style(centre(line, columns: columns), columns: columns, colour: colour)) }
        while lines.count < rows { lines.append(style("", columns: columns, colour: colour)) }
        return lines
    }

    // MARK: Text

    private static func style(_ text: String, columns: Int, colour: String) -> String {
        "\(colour)\(pad(text, to: columns))\u{1B}[0m"
    }

    /// Every line passes here, so no text from a ticket, the replica or the keyboard can move the
    /// cursor, clear the screen or retitle the terminal: unprintable characters show as U+FFFD.
    /// Widths are the terminal's columns (DisplayWidth): a line never wraps.
    private static func pad(_ text: String, to columns: Int) -> String {
        let clipped = DisplayWidth.clipped(PrintableText.sanitized(text), columns: columns)
        return clipped + String(repeating: " ", count: max(0, columns - DisplayWidth.of(clipped)))
    }

    private static func centre(_ text: String, columns: Int) -> String {
        String(repeating: " ", count: max(0, (columns - DisplayWidth.of(text)) / 2)) + text
    }

    private static func fit(_ left: String, _ right: String, columns: Int) -> String {
        let gap = columns - DisplayWidth.of(left) - DisplayWidth.of(right)
        return gap >= 1 ? left + String(repeating: " ", count: gap) + right : left + " " + right
    }

    static func duration(_ milliseconds: Int64) -> String {
        let minutes = max(0, milliseconds / 60_000)
        if minutes < 60 { return "\(minutes) min" }
        if minutes < 48 * 60 { return "\(minutes / 60) h" }
        return "\(minutes / 1_440) days"
    }
}

extension CameraState {
    var isLost: Bool { if case .lost = self { true } else { false } }
}
