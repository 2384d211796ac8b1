import Foundation
import GateScenes
import Kiosk

/// Per condition: the share of tickets read from one frame, and the time per frame with a code
/// and on the same scene without one (the empty gate), at 640x480 and 1280x720.
func readingBenchmark(shotsPerFamily: Int) throws {
    let tickets = try SceneTickets(count: shotsPerFamily).tokens
    print("kiosk-bench reading: \(shotsPerFamily) shots a condition, one frame each")
    for size in [(width: 640, height: 480), (width: 1280, height: 720)] {
        let reader = try CodeReader()
        var read = 0, shots = 0, misread = 0
        var withCode: [Double] = [], empty: [Double] = []
        print("\n| condition (\(size.width)x\(size.height)) | read | p50 ms | p99 ms | empty p50 ms | empty p99 ms |")
        print("|---|---|---|---|---|---|")
        for condition in GateCondition.allCases {
            let outcome = try ReadingTrial.run(condition, tickets: tickets, shots: shotsPerFamily, size: size, emptyGateToo: true, reader: reader)
            read += outcome.read
            shots += outcome.shots
            misread += outcome.misread
            withCode += outcome.timesWithCode
            empty += outcome.timesEmpty
            print(row(condition.summary, outcome.rate, outcome.timesWithCode, outcome.timesEmpty))
        }
        print(row("**all \(GateCondition.allCases.count) conditions, \(shots) tickets**", Double(read) / Double(shots), withCode, empty))
        print("misreads (any payload but the ticket's, or anything on an empty frame): \(misread)")
    }
}

private func row(_ label: String, _ rate: Double, _ withCode: [Double], _ empty: [Double]) -> String {
    let (code, none) = (withCode.sorted(), empty.sorted())
    return String(
        format: "| %@ | %.1f%% | %.2f | %.2f | %.2f | %.2f |", label, rate * 100, percentile(code, 0.5), percentile(code, 0.99),
        percentile(none, 0.5), percentile(none, 0.99))
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

/// Each condition's first shots as binary PGM files, to look at (and the ticket's text beside each).
func writeScenes(to directory: String, shotsPerFamily: Int) throws {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let tickets = try SceneTickets(count: shotsPerFamily).tokens
    for condition in GateCondition.allCases {
        for index in 0..<shotsPerFamily {
            let frame = try condition.shot(text: tickets[index], index: index).frame()
            var file = Data("P5\n\(frame.width) \(frame.height)\n255\n".utf8)
            file.append(contentsOf: frame.pixels)
            try file.write(to: URL(fileURLWithPath: "\(directory)/\(condition.rawValue)-\(index).pgm"))
            try tickets[index].write(toFile: "\(directory)/\(condition.rawValue)-\(index).txt", atomically: false, encoding: .utf8)
        }
    }
    print("wrote \(GateCondition.allCases.count * shotsPerFamily) frames to \(directory)")
}

/// Reads PGM frames (each with its ticket's text in a .txt beside it, as `scenes` writes them),
/// one line per frame: read or not, milliseconds, and what the reader saw when it did not read.
func readFiles(_ paths: [String]) throws {
    let reader = try CodeReader()
    let clock = ContinuousClock()
    for path in paths {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let header = data.prefix(20).split(separator: 10, maxSplits: 3, omittingEmptySubsequences: false)
        let size = String(decoding: header[1], as: UTF8.self).split(separator: " ").compactMap { Int($0) }
        guard size.count == 2, data.count >= size[0] * size[1] else { throw CocoaError(.fileReadCorruptFile) }
        let truth = Array(try String(contentsOfFile: String(path.dropLast(4)) + ".txt", encoding: .utf8).utf8)
        let frame = GreyFrame(width: size[0], height: size[1], pixels: Array(data.suffix(size[0] * size[1])))
        reader.forget()
        let started = clock.now
        let payloads = reader.read(frame)
        let time = ReadingTrial.milliseconds(clock.now - started)
        var look = payloads.contains(truth) ? "read" : "nothing"
        if case .unread(let sighting) = reader.lastLook {
            look = String(format: "seen, not read: %.1f px modules%@", sighting.moduleSize, sighting.inverted ? ", inverted" : "")
        }
        print(String(format: "%@ %.2f ms %@, misread %d", path, time, look, payloads.filter { $0 != truth }.count))
    }
}
