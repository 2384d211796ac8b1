import Foundation
import Kiosk

/// What the finder-pattern search sights in each level of each frame (as the reader's levels
/// are made: the frame, halved, quartered, and the frame and its halved copy with their noise
/// averaged out, as the night search has it), in the frame's own pixels: to see which level
/// pairs the wrong three finders, or sights nothing.
func printSightings(_ paths: [String]) throws {
    for path in paths {
        let frame = try pgmFrame(path)
        let halved = frame.halved()
        let levels = [
            ("frame", frame, 1), ("halved", halved, 2), ("quartered", halved.halved(), 4),
            ("frame, denoised", frame.denoised(), 1), ("halved, denoised", halved.denoised(), 2),
        ]
        for (name, level, factor) in levels {
            guard let sighting = FinderPatternSearch.sight(in: level)?.scaled(by: factor, inFrameOf: frame.width, height: frame.height) else {
                print("\(path) \(name): nothing")
                continue
            }
            let region = sighting.region
            let finders = sighting.finders.map { finders in
                [finders.topLeft, finders.topRight, finders.bottomLeft].map { String(format: "(%.0f, %.0f)", $0.x, $0.y) }.joined(separator: " ")
            }
            print(
                String(
                    format: "%@ %@: %.1f px modules%@, region %d,%d %dx%d, finders %@", path, name, sighting.moduleSize,
                    sighting.inverted ? ", inverted" : "", region.x, region.y, region.width, region.height, finders ?? "none"))
        }
    }
}
