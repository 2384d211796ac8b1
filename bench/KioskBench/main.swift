// The kiosk's benchmarks. Run in release mode:
//   swift build -c release --product kiosk-bench && swift build -c release --product gate-kiosk
//   (one --product a build: SwiftPM builds only the last one named)
//   .build/release/kiosk-bench [frames] [scan density]   frame to verdict, and idling at 30 fps
//   .build/release/kiosk-bench reading [shots a family] [WxH]  read rate and time per frame, per condition
//   .build/release/kiosk-bench moving [sequences]          a ticket brought into view: time until it is read
//   .build/release/kiosk-bench still [tickets a condition] [WxH] [noise ×]   a ticket held still: what averaging frames adds
//   .build/release/kiosk-bench presentation DIR INDEX [WxH] [empty]   one of those, as PGM frames, and each frame's look
//   .build/release/kiosk-bench scenes DIR [shots] [WxH]   each condition's first shots, as PGM images
//   .build/release/kiosk-bench files FRAME.pgm...          reads frames from files, one line each
//   .build/release/kiosk-bench zxing-options [shots a family] [WxH]   zxing alone on the whole frame, per option
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "reading":
    let shots = arguments.dropFirst().first.flatMap(Int.init) ?? 40
    if let size = arguments.dropFirst(2).first.map({ $0.split(separator: "x").compactMap { Int($0) } }), size.count == 2 {
        try readingBenchmark(shotsPerFamily: shots, sizes: [(size[0], size[1])])
    } else {
        try readingBenchmark(shotsPerFamily: shots)
    }
case "moving":
    try movingBenchmark(sequences: arguments.dropFirst().first.flatMap(Int.init) ?? 100)
case "still":
    let size = arguments.dropFirst(2).first.map { $0.split(separator: "x").compactMap { Int($0) } } ?? [640, 480]
    try stillBenchmark(
        sequences: arguments.dropFirst().first.flatMap(Int.init) ?? 10, size: (size[0], size[1]),
        noiseTimes: arguments.dropFirst(3).first.flatMap(Double.init) ?? 1)
case "presentation":
    guard arguments.count >= 3, let index = Int(arguments[2]) else { fatalError("kiosk-bench presentation DIR INDEX [WxH] [empty]") }
    let size = arguments.dropFirst(3).first.map { $0.split(separator: "x").compactMap { Int($0) } } ?? [640, 480]
    try writePresentation(to: arguments[1], index: index, size: (size[0], size[1]), empty: arguments.contains("empty"))
case "zxing-options":
    let size = arguments.dropFirst(2).first.map { $0.split(separator: "x").compactMap { Int($0) } } ?? [1280, 720]
    try zxingOptionsBenchmark(shotsPerFamily: arguments.dropFirst().first.flatMap(Int.init) ?? 20, size: (size[0], size[1]))
case "files":
    try readFiles(arguments.dropFirst().map { $0 })
case "scenes":
    guard let directory = arguments.dropFirst().first else { fatalError("kiosk-bench scenes DIR") }
    let size = arguments.dropFirst(3).first.map { $0.split(separator: "x").compactMap { Int($0) } }
    try writeScenes(
        to: directory, shotsPerFamily: arguments.dropFirst(2).first.flatMap(Int.init) ?? 3,
        size: size.flatMap { $0.count == 2 ? (width: $0[0], height: $0[1]) : nil })
default:
    try frameToVerdict(
        samples: arguments.first.flatMap(Int.init) ?? 1_000,
        // zbar's scan density, as `gate-kiosk run --scan-density` takes it.
        density: arguments.dropFirst().first.flatMap(Int32.init) ?? 1)
}
