/// The hall drawn from an event's seat map: an SVG with the stage, each row with its label at
/// both ends, and each seat in its class's colour and shape (square, circle, diamond, triangle:
/// told apart without colour), taken seats grey and crossed. Under it, the same seats as
/// checkboxes by row: that is how the form picks seats without JavaScript; with it, tapping or
/// keying a seat in the drawing ticks its box, and the list folds away.
///
/// Rows keep the seat map's order (the order of their first seat), seats their order in the row.
enum SeatMapDrawing {
    /// Colours that stay apart for every kind of colour blindness (Okabe and Ito), one per
    /// seated class; the shape differs too.
    static let colours = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"]
    static let shapes = [
        #"<rect x="1" y="1" width="20" height="20" rx="3"/>"#,
        #"<circle cx="11" cy="11" r="10.5"/>"#,
        #"<path d="M11 0 22 11 11 22 0 11z"/>"#,
        #"<path d="M11 1 22 21H0z"/>"#,
    ]
    static let pitch = 28
    static let seatSize = 22

    /// The shape number of each seated class: its place among the event's seated classes.
    static func shapeNumbers(_ classes: [Availability.Class]) -> [UInt16: Int] {
        Dictionary(uniqueKeysWithValues: classes.filter { !$0.generalAdmission }.enumerated().map { ($1.ticketClass, $0) })
    }

    static func html(_ availability: Availability, messages: Messages) -> String {
        let shapeOf = shapeNumbers(availability.classes)
        var rows: [(name: String, seats: [Availability.Seat])] = []
        var rowIndex: [String: Int] = [:]
        for seat in availability.seats {
            if let index = rowIndex[seat.row] {
                rows[index].seats.append(seat)
            } else {
                rowIndex[seat.row] = rows.count
                rows.append((seat.row, [seat]))
            }
        }
        let widest = rows.map(\.seats.count).max() ?? 0
        let width = (widest + 2) * pitch
        let stageHeight = 40
        let height = stageHeight + rows.count * pitch + 8

        var svg = ""
        svg.reserveCapacity(availability.seats.count * 140 + 2_000)
        // A small hall is drawn to fit the screen; a large one keeps its size and scrolls, so
        // that seats stay big enough to tap.
        let fit = widest <= 24 ? " fit" : ""
        svg += #"<div class="hall-scroll"><svg class="hall-map\#(fit)" id="hall-map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \#(width) \#(height)" width="\#(width)" height="\#(height)" role="group" aria-label="\#(escaped(messages["seatmap_label"]))"><defs>"#
        for number in shapeOf.values.sorted() {
            svg += ##"<g id="k\##(number)" fill="\##(colours[number % colours.count])">\##(shapes[number % shapes.count])</g>"##
        }
        svg += ##"<g id="kx"><rect x="1" y="1" width="20" height="20" rx="3" fill="#d4d4d4"/><path d="M6 6l10 10M16 6 6 16" stroke="#7a7a7a" stroke-width="2"/></g><g id="ks"><rect x="0" y="0" width="22" height="22" rx="4" fill="#111"/><path d="M5 11.5l4 4 8-9" stroke="#fff" stroke-width="3" fill="none"/></g></defs>"##
        svg += #"<rect class="stage" x="\#(pitch)" y="4" width="\#(width - 2 * pitch)" height="26" rx="4"/><text class="stage-label" x="\#(width / 2)" y="22">\#(escaped(messages["seatmap_stage"]))</text>"#
        for (index, row) in rows.enumerated() {
            let y = stageHeight + index * pitch
            let offset = (widest - row.seats.count) * pitch / 2
            let labelY = y + 16
            svg += #"<text class="row-label" x="\#(pitch / 2)" y="\#(labelY)">\#(escaped(row.name))</text>"#
            svg += #"<text class="row-label" x="\#(width - pitch / 2)" y="\#(labelY)">\#(escaped(row.name))</text>"#
            for (column, seat) in row.seats.enumerated() {
                let x = pitch + offset + column * pitch + (pitch - seatSize) / 2
                let symbol = seat.free ? "k\(shapeOf[seat.ticketClass] ?? 0)" : "kx"
                svg += ##"<use href="#\##(symbol)" x="\##(x)" y="\##(y)" id="m\##(seat.id)"/>"##
            }
        }
        svg += "</svg></div>"

        var list = #"<fieldset class="seat-list" id="seat-list"><legend>\#(escaped(messages["seatmap_list"]))</legend>"#
        for row in rows {
            list += #"<div class="seat-row"><span class="row-name">\#(escaped(row.name))</span>"#
            for seat in row.seats {
                let shape = shapeOf[seat.ticketClass] ?? 0
                let state = seat.free ? "" : " disabled"
                list += #"<label class="k\#(shape)\#(seat.free ? "" : " taken")"><input type="checkbox" name="seat" value="\#(seat.id)" id="s\#(seat.id)" data-c="\#(seat.ticketClass)"\#(state)>\#(escaped(seat.label))</label>"#
            }
            list += "</div>"
        }
        list += "</fieldset>"
        return svg + list
    }

    /// The fragment with these seats ticked, for a form shown again after a refusal.
    static func ticking(_ seatIDs: Set<Int64>, in html: String) -> String {
        var html = html
        for id in seatIDs {
            html = html.replacingOccurrences(of: #"value="\#(id)" id="s\#(id)""#, with: #"value="\#(id)" id="s\#(id)" checked"#)
        }
        return html
    }

    static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
