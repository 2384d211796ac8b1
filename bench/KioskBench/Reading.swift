import Foundation
import GateScenes
import Kiosk

/// Per condition: the share of tickets read from one frame, and the time per frame with a code
/// and on the same scene without one (the empty gate), at 640x480 and 1280x720 (or `sizes`).
func readingBenchmark(shotsPerFamily: Int, sizes: [(width: Int, height: Int)] = [(640, 480), (1280, 720)]) throws {
    let tickets = try SceneTickets(count: shotsPerFamily).tokens
    print("kiosk-bench reading: \(shotsPerFamily) shots a condition, one frame each")
    for size in sizes {
        let reader = try CodeReader()
        var read = 0, shots = 0, misread = 0
        var withCode: [Double] = [], empty: [Double] = []
        var missed: [String] = []
        print("\n| condition (\(size.width)x\(size.height)) | read | p50 ms | p99 ms | empty p50 ms | empty p99 ms |")
        print("|---|---|---|---|---|---|")
        for condition in GateCondition.allCases {
            let outcome = try ReadingTrial.run(condition, tickets: tickets, shots: shotsPerFamily, size: size, emptyGateToo: true, reader: reader)
            read += outcome.read
            shots += outcome.shots
            misread += outcome.misread
            withCode += outcome.timesWithCode
            empty += outcome.timesEmpty
            if !outcome.missed.isEmpty { missed.append("\(condition.rawValue) \(outcome.missed.map(String.init).joined(separator: ","))") }
            print(row(condition.summary, outcome.rate, outcome.timesWithCode, outcome.timesEmpty))
        }
        print(row("**all \(GateCondition.allCases.count) conditions, \(shots) tickets**", Double(read) / Double(shots), withCode, empty))
        print("misreads (any payload but the ticket's, or anything on an empty frame): \(misread)")
        print("not read (shots, as `kiosk-bench scenes` names them): \(missed.joined(separator: "; "))")
        try stageCosts(tickets: tickets, shotsPerFamily: shotsPerFamily, size: size)
    }
}

/// What the two looks every frame gets cost on their own, on the empty scenes: zxing on the
/// whole frame, and the finder-pattern search (how often it sights a code where there is none).
private func stageCosts(tickets: [String], shotsPerFamily: Int, size: (width: Int, height: Int)) throws {
    let zxing = ZXingScanner()
    let clock = ContinuousClock()
    var zxingTimes: [Double] = [], searchTimes: [Double] = []
    var falseSightings = 0
    for condition in GateCondition.allCases {
        for index in 0..<shotsPerFamily {
            let frame = try condition.shot(text: nil, index: index).at(width: size.width, height: size.height).frame()
            var started = clock.now
            _ = zxing.scan(frame)
            zxingTimes.append(ReadingTrial.milliseconds(clock.now - started))
            started = clock.now
            if FinderPatternSearch.sight(in: frame) != nil { falseSightings += 1 }
            searchTimes.append(ReadingTrial.milliseconds(clock.now - started))
        }
    }
    let (z, f) = (zxingTimes.sorted(), searchTimes.sorted())
    print(String(
        format: "empty frames alone: zxing on the whole frame p50 %.2f / p99 %.2f ms; finder search p50 %.2f / p99 %.2f ms, a code sighted in %d of %d",
        percentile(z, 0.5), percentile(z, 0.99), percentile(f, 0.5), percentile(f, 0.99), falseSightings, f.count))
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

/// Each condition's first shots as binary PGM files, to look at (and the ticket's text beside
/// each), and the same scenes without the ticket (`-empty`, with an empty text: nothing to read).
func writeScenes(to directory: String, shotsPerFamily: Int, size: (width: Int, height: Int)?) throws {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let tickets = try SceneTickets(count: shotsPerFamily).tokens
    func write(_ shot: CameraShot, as name: String) throws {
        let frame = try shot.frame()
        var file = Data("P5\n\(frame.width) \(frame.height)\n255\n".utf8)
        file.append(contentsOf: frame.pixels)
        try file.write(to: URL(fileURLWithPath: "\(directory)/\(name).pgm"))
        try (shot.text ?? "").write(toFile: "\(directory)/\(name).txt", atomically: false, encoding: .utf8)
    }
    for condition in GateCondition.allCases {
        for index in 0..<shotsPerFamily {
            var shot = condition.shot(text: tickets[index], index: index)
            if let size { shot = shot.at(width: size.width, height: size.height) }
            try write(shot, as: "\(condition.rawValue)-\(index)")
            shot.text = nil
            try write(shot, as: "\(condition.rawValue)-\(index)-empty")
        }
    }
    print("wrote \(GateCondition.allCases.count * shotsPerFamily * 2) frames to \(directory)")
}

/// Reads PGM frames (each with its ticket's text in a .txt beside it, as `scenes` writes them),
/// one line per frame: read or not, milliseconds, and what the reader saw when it did not read.
/// `budget`: the reader's per-frame budget (a large one shows what it reads given time).
func readFiles(_ paths: [String], budget: Duration = .milliseconds(7)) throws {
    let reader = try CodeReader(budget: budget)
    let clock = ContinuousClock()
    for path in paths {
        // An empty text: a frame without a code, where anything read is a misread.
        let truth = Array(try String(contentsOfFile: String(path.dropLast(4)) + ".txt", encoding: .utf8).utf8)
        let frame = try pgmFrame(path)
        reader.forget()
        let started = clock.now
        let payloads = reader.read(frame)
        let time = ReadingTrial.milliseconds(clock.now - started)
        var look = !truth.isEmpty && payloads.contains(truth) ? "read" : "nothing"
        if case .unread(let sighting, let hint) = reader.lastLook {
            look = String(format: "seen, not read: %.1f px modules%@, %@", sighting.moduleSize, sighting.inverted ? ", inverted" : "", hint.rawValue)
        }
        print(String(format: "%@ %.2f ms %@, misread %d", path, time, look, payloads.filter { $0 != truth }.count))
    }
}

/// A binary PGM file as a frame: "P5\nW H\n255\n" then the pixels, as `scenes` writes them.
func pgmFrame(_ path: String) throws -> GreyFrame {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    let header = data.prefix(32).split(separator: 10, maxSplits: 3, omittingEmptySubsequences: false)
    let size = header.count == 4 ? String(decoding: header[1], as: UTF8.self).split(separator: " ").compactMap { Int($0) } : []
    guard header.first == Data("P5".utf8), size.count == 2, (1...8_192).contains(size[0]), (1...8_192).contains(size[1]),
        data.count >= size[0] * size[1]
    else { throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: path]) }
    return GreyFrame(width: size[0], height: size[1], pixels: Array(data.suffix(size[0] * size[1])))
}
