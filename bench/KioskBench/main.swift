// The kiosk's benchmarks. Run in release mode:
//   swift build -c release --product kiosk-bench && swift build -c release --product gate-kiosk
//   (one --product a build: SwiftPM builds only the last one named)
//   .build/release/kiosk-bench [frames] [scan density]   frame to verdict, and idling at 30 fps
//   .build/release/kiosk-bench reading [shots a family] [WxH]  read rate and time per frame, per condition
//   .build/release/kiosk-bench moving [sequences]          a ticket brought into view: time until it is read
//   .build/release/kiosk-bench still [tickets a condition] [WxH] [noise ×]   a ticket held still: what averaging frames adds
//   .build/release/kiosk-bench presentation DIR INDEX [WxH] [empty]   one of those, as PGM frames, and each frame's look
//   .build/release/kiosk-bench scenes DIR [shots] [WxH]   each condition's first shots, as PGM images
//   .build/release/kiosk-bench files [--budget MS] FRAME.pgm...   reads frames from files, one line each
//   .build/release/kiosk-bench stages FRAME.pgm...        what each look every frame gets costs, per stage
//   .build/release/kiosk-bench sightings FRAME.pgm...     what the finder search sights at each level of a frame
//   .build/release/kiosk-bench zxing-options [shots a family] [WxH]   zxing alone on the whole frame, per option
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())

/// A frame size given as WxH, or nil when none is given; a malformed one ends the run with a
/// clear message instead of a trap or being passed over.
func frameSize(_ text: String?) -> (width: Int, height: Int)? {
    guard let text else { return nil }
    let parts = text.split(separator: "x").compactMap { Int($0) }
    guard parts.count == 2, parts[0] > 0, parts[1] > 0 else {
        FileHandle.standardError.write(Data("kiosk-bench: '\(text)' is not a frame size such as 1280x720\n".utf8))
        exit(2)
    }
    return (parts[0], parts[1])
}
switch arguments.first {
case "reading":
    let shots = arguments.dropFirst().first.flatMap(Int.init) ?? 40
    if let size = frameSize(arguments.dropFirst(2).first) {
        try readingBenchmark(shotsPerFamily: shots, sizes: [size])
    } else {
        try readingBenchmark(shotsPerFamily: shots)
    }
case "moving":
    try movingBenchmark(sequences: arguments.dropFirst().first.flatMap(Int.init) ?? 100)
case "still":
    try stillBenchmark(
        sequences: arguments.dropFirst().first.flatMap(Int.init) ?? 10, size: frameSize(arguments.dropFirst(2).first) ?? (640, 480),
        noiseTimes: arguments.dropFirst(3).first.flatMap(Double.init) ?? 1)
case "presentation":
    guard arguments.count >= 3, let index = Int(arguments[2]) else { fatalError("kiosk-bench presentation DIR INDEX [WxH] [empty]") }
    let size = frameSize(arguments.dropFirst(3).first.flatMap { $0 == "empty" ? nil : $0 }) ?? (640, 480)
    try writePresentation(to: arguments[1], index: index, size: size, empty: arguments.contains("empty"))
case "zxing-options":
    let size = frameSize(arguments.dropFirst(2).first) ?? (1280, 720)
    try zxingOptionsBenchmark(shotsPerFamily: arguments.dropFirst().first.flatMap(Int.init) ?? 20, size: size)
case "files":
    var paths = Array(arguments.dropFirst())
    var budget = Duration.milliseconds(7)
    if paths.first == "--budget" {
        guard paths.count >= 2, let milliseconds = Int(paths[1]), milliseconds > 0 else {
            FileHandle.standardError.write(Data("kiosk-bench: --budget takes milliseconds, such as --budget 200\n".utf8))
            exit(2)
        }
        budget = .milliseconds(milliseconds)
        paths.removeFirst(2)
    }
    try readFiles(paths, budget: budget)
case "sightings":
    try printSightings(Array(arguments.dropFirst()))
case "stages":
    try frameStageCosts(Array(arguments.dropFirst()))
case "scenes":
    guard let directory = arguments.dropFirst().first else { fatalError("kiosk-bench scenes DIR") }
    try writeScenes(
        to: directory, shotsPerFamily: arguments.dropFirst(2).first.flatMap(Int.init) ?? 3, size: frameSize(arguments.dropFirst(3).first))
default:
    try frameToVerdict(
        samples: arguments.first.flatMap(Int.init) ?? 1_000,
        // zbar's scan density, as `gate-kiosk run --scan-density` takes it.
        density: arguments.dropFirst().first.flatMap(Int32.init) ?? 1)
}
