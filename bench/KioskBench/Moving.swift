import Foundation
import GateScenes
import Kiosk

/// A moving ticket, as people present one (`TicketPresentation`): at the camera's own pace, how
/// long from the first frame with the whole code in view until the read, at 640x480 and
/// 1280x720; and the same scenes with no ticket, where nothing may be read or hinted at.
func movingBenchmark(sequences: Int) throws {
    let tickets = try SceneTickets(count: sequences).tokens
    print("kiosk-bench moving: \(sequences) presentations a resolution, 30 fps, live pace (frames the reader is busy for are dropped)")
    print("\n| resolution | read | within 0.5 s | within 1 s | p50 ms | p90 ms | p99 ms | max ms | frames p50 / p99 | hint before the read | misreads | empty: reads, hints |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for size in [(width: 640, height: 480), (width: 1280, height: 720)] {
        let reader = try CodeReader()
        var seconds: [Double] = [], frames: [Double] = []
        var read = 0, halfSecond = 0, oneSecond = 0, misread = 0, hinted = 0, emptyReads = 0, emptyHints = 0
        for index in 0..<sequences {
            let presentation = TicketPresentation.sequence(text: tickets[index], index: index, width: size.width, height: size.height)
            let outcome = try PresentationTrial.run(presentation, pace: .live, reader: reader)
            misread += outcome.misread
            if !outcome.hints.isEmpty { hinted += 1 }
            if let time = outcome.secondsToRead, let count = outcome.framesToRead {
                read += 1
                seconds.append(max(0, time) * 1_000)
                frames.append(Double(count))
                if time <= 0.5 { halfSecond += 1 }
                if time <= 1 { oneSecond += 1 }
            }
            var empty = presentation
            empty.rest.text = nil
            let nothing = try PresentationTrial.run(empty, pace: .everyFrame, reader: reader)
            emptyReads += nothing.misread
            emptyHints += nothing.hints.count
        }
        let (s, f) = (seconds.sorted(), frames.sorted())
        func share(_ count: Int) -> String { String(format: "%.1f%%", Double(count) * 100 / Double(sequences)) }
        print(String(
            format: "| %dx%d | %@ | %@ | %@ | %.0f | %.0f | %.0f | %.0f | %.0f / %.0f | %d | %d | %d, %d |", size.width, size.height,
            share(read), share(halfSecond), share(oneSecond), percentile(s, 0.5), percentile(s, 0.9), percentile(s, 0.99), s.last ?? 0,
            percentile(f, 0.5), percentile(f, 0.99), hinted, misread, emptyReads, emptyHints))
    }
}

/// One presentation's frames as PGM images (`frame-NN.pgm`), to look at, and what the reader
/// made of each: read, nothing, or a code seen and the hint it gives. `empty`: the same scene
/// with no ticket.
func writePresentation(to directory: String, index: Int, size: (width: Int, height: Int), empty: Bool) throws {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let text = empty ? nil : try SceneTickets(count: index + 1).tokens[index]
    let presentation = TicketPresentation.sequence(text: text, index: index, width: size.width, height: size.height)
    let reader = try CodeReader()
    for (number, shot) in try presentation.frames().enumerated() {
        var file = Data("P5\n\(shot.frame.width) \(shot.frame.height)\n255\n".utf8)
        file.append(contentsOf: shot.frame.pixels)
        try file.write(to: URL(fileURLWithPath: String(format: "%@/frame-%02d.pgm", directory, number)))
        let read = !reader.read(shot.frame).isEmpty
        let look: String
        switch reader.lastLook {
        case .read: look = "read"
        case .nothing: look = "nothing"
        case .unread(let sighting, let hint): look = "seen at \(sighting.region) modules \(String(format: "%.1f", sighting.moduleSize)) px: \(hint.rawValue)"
        case .recalled(let sighting, let hint): look = "recalled at \(sighting.region): \(hint.rawValue)"
        }
        print(String(format: "frame %02d: whole in view %@, moved %.1f px, %@", number, shot.codeWholeInView ? "yes" : "no", shot.motionPixels, read ? "READ" : look))
        if read { break }
    }
}
