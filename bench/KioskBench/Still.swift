import Foundation
import GateScenes
import Kiosk

/// A ticket held still in front of the camera (`TicketPresentation.held`) in each condition, every
/// frame read in turn (the counts are the same on every machine): how many are read at the first
/// frame, within 5 frames, and within half a second, by the reader as the kiosk runs it and by one
/// that reads each frame on its own (no average of the still code's modules). Each frame is
/// given the release build's budget, so a pass the budget leaves out counts as on a gate.
/// `noiseTimes` multiplies each scene's sensor noise: a camera at high gain in a dark hall.
func stillBenchmark(sequences: Int, size: (width: Int, height: Int), noiseTimes: Double = 1) throws {
    let tickets = try SceneTickets(count: sequences).tokens
    let conditions = GateCondition.allCases.filter { $0 != .motionBlur && $0 != .handheld }
    print("kiosk-bench still: \(sequences) tickets a condition held still for 15 frames at \(size.width)x\(size.height), sensor noise ×\(noiseTimes), every frame read")
    print("(motion blur and handheld are left out: a held ticket's blur is its tremble's)\n")
    print("| condition | first frame | within 5 frames, each frame alone | within 5, averaged | within 15, each frame alone | within 15, averaged | misreads |")
    print("|---|---|---|---|---|---|---|")
    let averaging = try CodeReader(), alone = try CodeReader(averagingStillFrames: false)
    var totals = [0, 0, 0, 0, 0, 0]
    for condition in conditions {
        var counts = [0, 0, 0, 0, 0, 0]
        for index in 0..<sequences {
            var presentation = TicketPresentation.held(condition, text: tickets[index], index: index, width: size.width, height: size.height)
            presentation.rest.noise *= noiseTimes
            let frames = try presentation.frames().map(\.frame)
            let expected = Array(tickets[index].utf8)
            let (first, misreadA) = framesToRead(frames, expected: expected, reader: alone)
            let (averaged, misreadB) = framesToRead(frames, expected: expected, reader: averaging)
            if first == 0 { counts[0] += 1 }
            if let first, first < 5 { counts[1] += 1 }
            if let averaged, averaged < 5 { counts[2] += 1 }
            if first != nil { counts[3] += 1 }
            if averaged != nil { counts[4] += 1 }
            counts[5] += misreadA + misreadB
        }
        for (slot, count) in counts.enumerated() { totals[slot] += count }
        print("| \(condition.summary) | " + counts.map(String.init).joined(separator: " | ") + " |")
    }
    print("| **all \(conditions.count) conditions, \(conditions.count * sequences) tickets** | " + totals.map { "**\($0)**" }.joined(separator: " | ") + " |")
}

/// The frame (counted from 0) the ticket was read at, if it was, and the payloads that were not it.
/// (`PresentationTrial` would draw the frames again for each reader; these are drawn once.)
private func framesToRead(_ frames: [GreyFrame], expected: [UInt8], reader: CodeReader) -> (Int?, Int) {
    reader.forget()
    var misread = 0
    for (number, frame) in frames.enumerated() {
        let payloads = reader.read(frame)
        misread += payloads.filter { $0 != expected }.count
        if payloads.contains(expected) { return (number, misread) }
    }
    return (nil, misread)
}
