import Foundation
import GateScenes
import Kiosk

/// zxing alone on the whole frame, with each combination of its two costly options: how many
/// tickets it reads, and what it costs with a code and on the same scenes without one. The
/// evidence for how `CodeReader` calls it on a large frame.
func zxingOptionsBenchmark(shotsPerFamily: Int, size: (width: Int, height: Int)) throws {
    let tickets = try SceneTickets(count: shotsPerFamily).tokens
    var scenes: [(frame: GreyFrame, empty: GreyFrame, expected: [UInt8])] = []
    for condition in GateCondition.allCases {
        for index in 0..<shotsPerFamily {
            scenes.append((
                try condition.shot(text: tickets[index], index: index).at(width: size.width, height: size.height).frame(),
                try condition.shot(text: nil, index: index).at(width: size.width, height: size.height).frame(),
                Array(tickets[index].utf8)))
        }
    }
    let zxing = ZXingScanner()
    let clock = ContinuousClock()
    print("kiosk-bench zxing-options: \(scenes.count) scenes at \(size.width)x\(size.height), zxing on the whole frame alone")
    for (harder, downscale) in [(true, true), (true, false), (false, true), (false, false)] {
        var read = 0
        var withCode: [Double] = [], empty: [Double] = []
        for scene in scenes {
            var started = clock.now
            if zxing.scan(scene.frame, tryHarder: harder, tryDownscale: downscale) == [scene.expected] { read += 1 }
            withCode.append(ReadingTrial.milliseconds(clock.now - started))
            started = clock.now
            _ = zxing.scan(scene.empty, tryHarder: harder, tryDownscale: downscale)
            empty.append(ReadingTrial.milliseconds(clock.now - started))
        }
        let (code, none) = (withCode.sorted(), empty.sorted())
        print(String(
            format: "tryHarder %@, tryDownscale %@: read %d of %d; with a code p50 %.2f / p99 %.2f ms; empty p50 %.2f / p99 %.2f ms",
            "\(harder)", "\(downscale)", read, scenes.count, percentile(code, 0.5), percentile(code, 0.99), percentile(none, 0.5),
            percentile(none, 0.99)))
    }
}
