/// Reads the QR codes in a stream of camera frames, in passes, within a frame's budget.
///
/// 1. zxing-cpp on the whole frame (1.2 ms p50 at 640x480): most tickets end here.
/// 2. A finder-pattern search (2.9 ms p50) says whether, where, how large and in which polarity
///    a code is in view. A plain empty gate ends here; a busy one often does not yet, as its
///    texture makes finder look-alikes (issue 11, open).
/// 3. On a code seen but not read, zbar and zxing on just that part of the frame, made easier:
///    inverted for a dark-mode screen, averaged for sensor noise, doubled for modules of two
///    pixels. The passes stop at the first read or at the frame's deadline; the next frame of
///    the same scene goes on with the passes this one had no time for.
///
/// A sighting is remembered for half a second, so that the next frames look there first even
/// when their own search misses (a blurred frame in a shaky hand). Not thread-safe, like the
/// decoders it owns: one per decode thread.
public final class CodeReader {
    /// What the last frame showed, for the screen's hints ("hold still", "closer").
    public enum Look: Sendable, Equatable {
        case nothing
        case read
        /// A code is in view but was not read in this frame.
        case unread(CodeSighting)
    }

    private let zbar: QRScanner
    private let zxing = ZXingScanner()
    private let clock = ContinuousClock()
    /// After this long on a frame no further pass starts: a pass on a crop takes 1–4 ms, so
    /// frames with a code stay under the 15 ms budget.
    private let deadline: Duration
    /// The last sighting, and how many frames since it was last seen.
    private var remembered: (sighting: CodeSighting, frames: Int)?
    /// The pass to start with on the next frame of a scene whose code was seen but not read.
    private var nextPass = 0
    public private(set) var lastLook = Look.nothing

    /// Doubled, a larger crop would cost zbar more than a whole frame's budget.
    private static let largestCropToDouble = 360 * 360
    /// Frames a sighting is remembered for: half a second at 30 fps.
    private static let memory = 15

    public init(density: Int32 = 1, deadline: Duration = .milliseconds(9)) throws(ZBarError) {
        zbar = try QRScanner(density: density)
        self.deadline = deadline
    }

    /// The payloads of every code read in `frame`.
    public func read(_ frame: GreyFrame) -> [[UInt8]] {
        let started = clock.now
        let whole = zxing.scan(frame)
        guard whole.isEmpty else { return found(whole) }
        let sighting: CodeSighting
        if let fresh = FinderPatternSearch.sight(in: frame) {
            sighting = fresh
            remembered = (fresh, 0)
        } else if let (earlier, frames) = remembered, frames < Self.memory {
            sighting = earlier
            remembered = (earlier, frames + 1)
        } else {
            remembered = nil
            lastLook = .nothing
            return []
        }
        let passes = Pass.order(for: sighting)
        let crop = frame.cropped(to: sighting.region)
        var prepared = PreparedCrops(crop: sighting.inverted ? crop.inverted() : crop)
        // A larger frame gets proportionally longer, up to the 2.5 times a 1280x720 frame may take.
        let budget = deadline * min(2.5, max(1, Double(frame.width * frame.height) / 307_200))
        let first = nextPass % passes.count
        for step in 0..<passes.count {
            guard step == 0 || clock.now - started < budget else { break }
            let payloads = run(passes[(first + step) % passes.count], on: &prepared)
            if !payloads.isEmpty { return found(payloads) }
            nextPass = (first + step + 1) % passes.count
        }
        lastLook = .unread(sighting)
        return []
    }

    /// Drops what earlier frames taught it.
    public func forget() {
        remembered = nil
        nextPass = 0
        lastLook = .nothing
    }

    private func found(_ payloads: [[UInt8]]) -> [[UInt8]] {
        lastLook = .read
        nextPass = 0
        return payloads
    }

    private func run(_ pass: Pass, on crops: inout PreparedCrops) -> [[UInt8]] {
        if pass.doubles, crops.crop.width * crops.crop.height > Self.largestCropToDouble { return [] }
        return switch pass {
        case .zbar: (try? zbar.scan(crops.crop)) ?? []
        case .zbarDenoised: (try? zbar.scan(crops.denoised)) ?? []
        case .zbarDoubled: (try? zbar.scan(crops.doubled)) ?? []
        case .zbarDoubledDenoised: (try? zbar.scan(crops.doubledDenoised)) ?? []
        case .zxing: zxing.scan(crops.crop)
        case .zxingDenoised: zxing.scan(crops.denoised)
        case .zxingDoubled: zxing.scan(crops.doubled)
        }
    }

    /// A decoder on a version of the crop.
    enum Pass {
        case zbar, zbarDenoised, zbarDoubled, zbarDoubledDenoised, zxing, zxingDenoised, zxingDoubled

        var doubles: Bool { self == .zbarDoubled || self == .zbarDoubledDenoised || self == .zxingDoubled }

        static func order(for sighting: CodeSighting) -> [Pass] {
            // Small modules first get the doubled crop; zxing already had the whole frame in
            // the usual polarity, so it sees the crop only when it is a dark-mode one.
            // Doubling quadruples a pass's cost: first for small modules, last for large ones
            // (it still smooths their edges), and never for a crop already large.
            var passes: [Pass] =
                sighting.moduleSize < 3.2
                ? [.zbarDoubled, .zbarDoubledDenoised, .zbar, .zbarDenoised, .zxingDenoised, .zxingDoubled]
                : [.zbar, .zbarDenoised, .zxingDenoised, .zbarDoubled, .zbarDoubledDenoised, .zxingDoubled]
            if sighting.inverted { passes.insert(.zxing, at: 0) }
            return passes
        }
    }

    /// The crop's versions, each made the first time a pass asks for it.
    private struct PreparedCrops {
        let crop: GreyFrame
        lazy var denoised = crop.denoised()
        lazy var doubled = crop.upscaled()
        lazy var doubledDenoised = doubled.denoised()

        init(crop: GreyFrame) { self.crop = crop }
    }
}
