import Foundation
import GateScenes
import Kiosk

/// What each look every frame gets costs on its own, on PGM frames (the empty ones show an
/// empty gate's budget): halving, zxing on the halved and the whole frame, the finder search on
/// each level the reader searches, and the streak's measure where the frame is busiest (and,
/// where it finds one, the streak taken out and looked at: its count is the frames it found one in).
func frameStageCosts(_ paths: [String]) throws {
    let zxing = ZXingScanner()
    let deblur = MotionDeblur()
    let clock = ContinuousClock()
    var times: [String: [Double]] = [:]
    var order: [String] = []
    var sightings: [String: Int] = [:]
    func timed<T>(_ stage: String, _ work: () -> T) -> T {
        let started = clock.now
        let result = work()
        if times[stage] == nil { order.append(stage) }
        times[stage, default: []].append(ReadingTrial.milliseconds(clock.now - started))
        return result
    }
    for path in paths {
        let frame = try pgmFrame(path)
        let large = frame.width > 800
        let halved = timed("halve") { frame.halved() }
        let quartered = timed("halve again") { halved.halved() }
        if large {
            _ = timed("zxing, halved frame") { zxing.scan(halved) }
            _ = timed("zxing, whole frame (not harder)") { zxing.scan(frame, tryHarder: false, tryDownscale: false) }
            // What the reader looks at instead: 640x480 round the halved frame's busiest place.
            let window = CodeReader.detailedWindow(of: frame, busiestInHalved: MotionBlur.busiestPlace(in: halved))
            _ = timed("zxing, 640x480 of it (not harder)") { zxing.scan(frame.cropped(to: window), tryHarder: false, tryDownscale: false) }
        } else {
            _ = timed("zxing, whole frame") { zxing.scan(frame) }
        }
        let levels = large ? [(halved, "halved"), (quartered, "quartered")] : [(frame, "whole"), (halved, "halved")]
        for (level, name) in levels where timed("finder search, \(name)", { FinderPatternSearch.sight(in: level) }) != nil {
            sightings[name, default: 0] += 1
        }
        let streakLevel = large ? halved : frame
        let place = timed("busiest place") { MotionBlur.busiestPlace(in: streakLevel) }
        guard let blur = timed("streak measure", { MotionBlur.estimate(in: streakLevel, x: place.x, y: place.y) }) else { continue }
        // What the reader then does with a streak (`CodeReader.readStreaked`).
        let side = min(448, max(streakLevel.width, streakLevel.height) / 8 * 8)
        let sharpened = timed("streak taken out") { deblur.deblurred(streakLevel, blur: blur, x: place.x, y: place.y, side: side) }
        _ = timed("zxing, streak taken out") { zxing.scan(sharpened) }
        _ = timed("finder search, streak taken out") { FinderPatternSearch.sight(in: sharpened) }
    }
    print("codes sighted by the search: " + sightings.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
    print("| stage (\(paths.count) frames) | frames | p50 ms | p99 ms | mean ms |")
    print("|---|---|---|---|---|")
    for stage in order {
        let sorted = times[stage, default: []].sorted()
        print(String(
            format: "| %@ | %d | %.3f | %.3f | %.3f |", stage, sorted.count, percentile(sorted, 0.5), percentile(sorted, 0.99),
            sorted.reduce(0, +) / Double(sorted.count)))
    }
}
