/// Reads the QR codes in a stream of camera frames, in passes, within a frame's budget.
///
/// 1. zxing-cpp on the whole frame (1.2 ms p50 at 640x480): most tickets end here. A frame
///    wider than 800 pixels is first read halved, as its codes are mostly large, then at its
///    own resolution for codes of small modules, at an empty gate's budget: only every few rows,
///    and only a 640x480 window round its most detailed part.
/// 2. A finder-pattern search says whether, where, how large and in which polarity a code is in
///    view; on the frame, then on it halved for codes of large modules (a 1280x720 frame only
///    halved, then quartered: searching it whole costs more than its budget). A 640x480 frame
///    as noisy as a dim gate's high gain, where it sights nothing, is searched once more with
///    its noise averaged out (`noisyFrame`). An empty gate ends here.
/// 3. On a code seen but not read, zbar and zxing on just that part of the frame, made easier:
///    inverted for a dark-mode screen, averaged for sensor noise, doubled for modules of two
///    pixels, reduced for modules so large that the binarisers' windows fall inside one; and the
///    code redrawn upright through its finders and alignment patterns (`CodeResample`). A pass
///    starts only if what it is expected to cost (learnt from the passes before it) still fits
///    the frame's budget (the first pass on a code this frame sighted always starts); the next
///    frame of the same scene goes on with the passes this one had no time for. A sighting
///    whose redrawn grid fits doubtfully (`doubtfulFit`) may be a pattern of the code's data
///    paired with two of its finders: the next search level is asked for other finders, and
///    their code read instead. One whose grid finds no code's timing lines or alignment
///    patterns at all (`lookAlikeFit`), and no other finders, was look-alikes in the clutter:
///    its frame ends there, and it is not remembered.
/// 4. A ticket streaked by its own motion: the streak measured round the sighting, or where the
///    frame shows most detail when nothing was sighted (`MotionBlur`), and taken back out
///    (`MotionDeblur`) before the crop passes, which seldom read a streaked code.
///
/// What consecutive frames give: a sighting is remembered for half a second, so that the next
/// frames look there first even when their own search misses (a blurred frame in a shaky hand).
/// A code seen again but not read has its redraw first in every frame, and the modules each
/// frame's redraw samples are averaged over the frames where the code is still, the sharper
/// frames preferred (`StillCodeAverage`): noise that defeats every single frame averages out.
/// Not thread-safe, like the decoders it owns: one per decode thread.
public final class CodeReader {
    /// What the last frame showed, for the screen's hints ("hold still", "closer").
    public enum Look: Sendable, Equatable {
        case nothing
        case read
        /// A code is in view but was not read in this frame; the hint says what would help.
        case unread(CodeSighting, ReadingHint)
        /// Not read, and not seen in this frame either: the sighting is an earlier frame's,
        /// remembered (a blurred frame in a shaky hand, or a look-alike that fooled the search once).
        case recalled(CodeSighting, ReadingHint)
    }

    private let zbar: QRScanner
    private let zxing = ZXingScanner()
    private let deblur = MotionDeblur()
    private let clock = ContinuousClock()
    /// What a 640x480 frame may take in all; a larger one gets proportionally more, up to 1.8
    /// times (the p99 targets of issue 26: 8 ms at 640x480, 15 ms at 1280x720).
    private let budget: Duration
    /// Nanoseconds a pixel each decoder has taken on crops, averaged over the recent passes.
    /// For the redraw, nanoseconds a pixel of the crop it was drawn from (the alignment search and
    /// the decoders on the redrawn code, together).
    private var nanosecondsPerPixel = (zbar: 50.0, zxing: 15.0, redraw: 40.0)
    /// The last sighting, and how many frames since it was last seen.
    private var remembered: (sighting: CodeSighting, frames: Int)?
    /// The pass to start with on the next frame of a scene whose code was seen but not read.
    private var nextPass = 0
    /// The sighted code's modules, averaged over the frames it is still in; nil when not wanted.
    private var stillCode: StillCodeAverage?
    /// A streak looked at with nothing sighted that read nothing, and frames since: the same
    /// streak in the same place (bars in a still background) is not looked at again for half a
    /// second, so that an empty gate does not pay for it in every frame.
    private var fruitlessStreak: (centre: (x: Double, y: Double), blur: MotionBlur, frames: Int)?
    /// How many streaks have been taken out and looked at, for the tests.
    private(set) var streakLooks = 0
    public private(set) var lastLook = Look.nothing

    /// Frames a sighting is remembered for: half a second at 30 fps.
    private static let memory = 15
    /// The redraw's grid fit (`CodeResample.resampled`, grey levels) below which a sighting is
    /// taken for look-alikes and its frame ends. Given time, every code of the 840 scenes that was
    /// read where the redraw ran fit 60 or more (the least a backlit code's at 1280x720, then dim
    /// screens' 108); 3 of the 6 look-alike sightings in the 420 empty 1280x720 scenes fit under
    /// 40, and 8 of 12 at 640x480.
    static let lookAlikeFit = 40.0
    /// The redraw's grid fit below which, the redraw not having read, the next search level is
    /// asked whether it sights the code through other finders (`otherFinders`): a code's data
    /// paired with two of its finders fit 72 (a dark-mode screen at 640x480) and 131 (a "bit of
    /// everything" one at 1280x720). Given time, 406 and 405 of the 420 scenes are read, was 405
    /// and 404 (with it at 100, 406 and 404), and no code read before is lost.
    static let doubtfulFit = 140.0
    /// Sensor noise (`GreyFrame.noiseLevel`, grey levels) from which a frame whose search sights
    /// nothing is searched again with its noise averaged out: the low-light scenes measure 10,
    /// the sensor-noise ones 8 to 16, every other condition's 0 to 8 (and only "a bit of
    /// everything" 7 or 8). Below it an empty gate does not pay for that search (1.9 ms at 640x480).
    static let noisyFrame = 8
    /// Wider frames are read halved first, and searched halved and quartered (then, where those
    /// sight nothing, only a square of it at full resolution: `secondLook`).
    private static let largeFrameWidth = 800
    /// The share of a frame's budget (a 640x480 frame's) after which a large frame whose
    /// levels sighted nothing is not searched at full resolution (`secondLook`).
    private static let secondLookBefore = 0.7
    /// The side of the square a large frame is searched in at full resolution (`secondLook`).
    /// Of the 1280x720 scenes sighted only at full resolution (`kiosk-bench files` on the
    /// scenes of `reading 20`), a
    /// 640x480 window read 4 more, at 1.1 ms an empty frame (p50); 384 pixels 4, at 0.7; 320
    /// pixels 3, at 0.36 (empty p99 5.7 to 6.4 ms); 256 pixels 2, at 0.2.
    private static let secondLookSide = 320

    /// `averagingStillFrames` false reads each frame on its own, but for the sighting carried
    /// over (to measure what the average adds: `kiosk-bench still`).
    public init(density: Int32 = 1, budget: Duration = .milliseconds(7), averagingStillFrames: Bool = true) throws(ZBarError) {
        zbar = try QRScanner(density: density)
        self.budget = budget
        stillCode = averagingStillFrames ? StillCodeAverage() : nil
    }

    /// The payloads of every code read in `frame`.
    public func read(_ frame: GreyFrame) -> [[UInt8]] {
        let started = clock.now
        if let (centre, blur, frames) = fruitlessStreak { fruitlessStreak = frames + 1 < Self.memory ? (centre, blur, frames + 1) : nil }
        var pyramid = Pyramid(frame)
        let large = frame.width > Self.largeFrameWidth
        if large, let halved = pyramid.level(2) {
            let payloads = zxing.scan(halved)
            if !payloads.isEmpty { return found(payloads) }
        }
        // A large frame's look at its own resolution is for codes of small modules, which the
        // halved look cannot resolve: the part of it where the halved frame shows most detail,
        // as a code of small modules does (KIOSK.md), as large as a 640x480 frame; every few
        // rows and without zxing's own reduced copy, which the halved look above already was
        // (kiosk-bench zxing-options). The whole frame took 2.8 ms p50, 5 on a noisy one.
        let whole = large ? readDetailedWindow(of: &pyramid) : zxing.scan(frame)
        guard whole.isEmpty else { return found(whole) }
        let allowed = budget * min(1.8, max(1, Double(frame.width * frame.height) / 307_200))
        let levels = large ? [2, 4] : [1, 2]
        guard let (sighting, fresh, level) = sight(in: &pyramid, levels: levels, started: started) else {
            // Nothing sighted may be a ticket streaked past its finders: taken back out where
            // the frame shows most detail, if the budget has not run out.
            if clock.now - started < allowed, let streak = streak(in: &pyramid, around: nil), !lookedAtBefore(streak) {
                let read = readStreaked(streak)
                if !read.isEmpty { return found(read) }
                fruitlessStreak = (streak.centre, streak.blur, 0)
            }
            lastLook = .nothing
            stillCode?.reset()
            return []
        }
        // A streaked code: the streak taken out first, as the passes on the streaked crop seldom
        // read it; a sighting remembered from a sharper frame is where a moving ticket went on.
        let streak = streak(in: &pyramid, around: sighting.region)
        if let streak {
            let read = readStreaked(streak)
            if !read.isEmpty { return found(read) }
        }
        let nextLevels = fresh ? Array(levels.drop { $0 != level }.dropFirst()) : []
        var outcome = readSighted(
            sighting, fresh: fresh, in: &pyramid, started: started, allowed: allowed, firstPassAlways: fresh && streak == nil, nextLevels: nextLevels)
        // Other finders at the next level: their code gets the passes instead, its redraw first
        // (the rotation left by the first sighting's redraw makes it lead). No level after them
        // is asked, so this second outcome is never `.elsewhere`.
        if case .elsewhere(let other) = outcome {
            outcome = readSighted(other, fresh: true, in: &pyramid, started: started, allowed: allowed, firstPassAlways: false, nextLevels: [])
        }
        switch outcome {
        case .read(let payloads):
            return found(payloads)
        case .lookAlikes, .elsewhere:
            // No hint either: nothing is there. And nothing to remember: a later frame whose
            // search misses them would spend its budget on them again.
            (remembered, nextPass, lastLook) = (nil, 0, .nothing)
            return []
        case .unread(let seen, let crop):
            let hint = ReadingHint.advice(moduleSize: seen.moduleSize, crop: crop)
            lastLook = fresh ? .unread(seen, hint) : .recalled(seen, hint)
            return []
        }
    }

    /// A sighting in `levels` through other finders than `sighting`'s (each more than two
    /// modules from them): only those are worth a second redraw.
    private func otherFinders(than sighting: CodeSighting, at levels: [Int], in pyramid: inout Pyramid) -> CodeSighting? {
        for factor in levels {
            guard let found = pyramid.level(factor).flatMap(FinderPatternSearch.sight(in:)) else { continue }
            let other = found.scaled(by: factor, inFrameOf: pyramid.frame.width, height: pyramid.frame.height)
            guard let finders = other.finders, !finders.near(sighting.finders, within: 2 * sighting.moduleSize) else { return nil }
            remembered = (other, 0)
            return other
        }
        return nil
    }

    /// What the passes on one sighting came to.
    private enum SightedOutcome {
        case read([[UInt8]])
        /// Not read; the crop the passes read, for the hint.
        case unread(CodeSighting, crop: GreyFrame)
        /// The redrawn grid found no code's timing lines or alignment patterns (`lookAlikeFit`).
        case lookAlikes
        /// The redrawn grid fit doubtfully (`doubtfulFit`), and a later search level sighted the
        /// code through other finders.
        case elsewhere(CodeSighting)
    }

    /// The crop passes on `sighting`, each if it fits the budget left (`firstPassAlways`: the
    /// first even if not). `nextLevels`: the search levels after the one that sighted it, asked
    /// for other finders when its redrawn grid fits doubtfully.
    private func readSighted(
        _ sighting: CodeSighting, fresh: Bool, in pyramid: inout Pyramid, started: ContinuousClock.Instant, allowed: Duration,
        firstPassAlways: Bool, nextLevels: [Int]
    ) -> SightedOutcome {
        let frame = pyramid.frame
        // Read the code where its modules are 2.5 to 6 pixels: smaller costs more and reads no
        // better. Quartered only from 12: a "bit of everything" code of 10.9-pixel modules at
        // 1280x720 was read halved (5.4 pixels) in 6 ms; quartered (2.7), only by zbar on the
        // doubled crop after the redraw failed, in 11 to 12 (the budget is 12.6).
        let factor = sighting.moduleSize >= 12 && pyramid.level(4) != nil ? 4 : sighting.moduleSize >= 5 ? 2 : 1
        let crop = pyramid.level(factor).map { $0.cropped(to: sighting.region.reduced(by: factor)) } ?? frame.cropped(to: sighting.region)
        var prepared = PreparedCrops(
            crop: sighting.inverted ? crop.inverted() : crop, moduleSize: sighting.moduleSize / Double(factor),
            finders: sighting.finders?.placed(in: sighting.region.reduced(by: factor), reducedBy: factor))
        let passes = Pass.order(moduleSize: sighting.moduleSize / Double(factor), inverted: sighting.inverted, finders: prepared.finders != nil)
        let first = nextPass % passes.count
        var order = (0..<passes.count).map { (first + $0) % passes.count }
        // A code seen again has its redraw first (on the first frame, the order as it is): it
        // reads the most, and each frame it samples adds to the still code's average.
        let redrawLeads = fresh && nextPass > 0 ? passes.firstIndex(of: .redrawn) : nil
        if let redrawLeads {
            order.removeAll { $0 == redrawLeads }
            order.insert(redrawLeads, at: 0)
        }
        for (step, index) in order.enumerated() {
            let pass = passes[index]
            // At most a second: an estimate is never allowed to grow past what fits an Int64.
            let expected = Duration.nanoseconds(Int64(min(1e9, cost(of: pass) * Double(prepared.pixels(for: pass)))))
            // A code this frame itself sighted always gets one pass, even past the budget: on a
            // slower machine the whole-frame look and the search alone leave too little of it,
            // and a sighting never looked at is a ticket not read. A streak taken out was that look.
            guard (step == 0 && firstPassAlways) || clock.now - started + expected < allowed else { continue }
            let passStarted = clock.now
            let payloads = run(pass, on: &prepared, sightedInThisFrame: fresh)
            learn(pass, took: clock.now - passStarted, pixels: prepared.pixels(for: pass))
            if !payloads.isEmpty { return .read(payloads) }
            // The rotation goes on where it was; the redraw that led is outside it.
            if index != redrawLeads { nextPass = index + 1 }
            guard pass == .redrawn, let fit = prepared.resampled.fit, fit < Self.doubtfulFit else { continue }
            // The level that sighted the code may have paired a pattern of its data with two of
            // its finders, having missed the third (halved, a blurred or bloomed finder's rings
            // merge; at full resolution a dark-mode screen's bloom hides one): the next level may
            // see the code's own three.
            if let other = otherFinders(than: sighting, at: nextLevels, in: &pyramid) { return .elsewhere(other) }
            // A grid that lies this badly on the sighting found no code's timing lines or
            // alignment patterns there: three look-alikes, where the passes after it read nothing
            // and an empty gate spent its whole budget. The still code's average is kept: a real
            // code under heavy noise can fit this badly in one frame, and is read from its frames together.
            if fit < Self.lookAlikeFit { return .lookAlikes }
        }
        return .unread(sighting, crop: prepared.crop)
    }

    /// The part of a large frame its full-resolution look covers: 640x480 (or `width`×`height`)
    /// round `busiest`, where its halved copy shows most detail (`MotionBlur.busiestPlace`, in the
    /// halved copy's pixels), or round the middle without one.
    public static func detailedWindow(
        of frame: GreyFrame, busiestInHalved busiest: (x: Double, y: Double)?, width: Int = 640, height: Int = 480
    ) -> PixelRegion {
        let centre = busiest.map { (x: 2 * $0.x, y: 2 * $0.y) } ?? (x: Double(frame.width) / 2, y: Double(frame.height) / 2)
        return PixelRegion(centreX: centre.x, centreY: centre.y, width: width, height: height, inFrameOf: frame.width, frameHeight: frame.height)
    }

    /// zxing on the part of a large frame, 640x480, round where its halved copy shows most detail.
    private func readDetailedWindow(of pyramid: inout Pyramid) -> [[UInt8]] {
        let frame = pyramid.frame
        let window = Self.detailedWindow(of: frame, busiestInHalved: pyramid.busiestPlace())
        return frame.pixels.withUnsafeBytes { pixels in
            zxing.scan(
                pixels: UnsafeRawBufferPointer(rebasing: pixels[(window.y * frame.width + window.x)...]), width: window.width,
                height: window.height, stride: frame.width, tryHarder: false, tryDownscale: false)
        }
    }

    /// A streak measured in the pyramid's streak level round a sighting's `region` (in frame
    /// pixels), or where it shows most detail.
    private func streak(in pyramid: inout Pyramid, around region: PixelRegion?) -> Streak? {
        guard let (level, factor) = pyramid.streakLevel() else { return nil }
        let scale = Double(factor)
        guard let centre = region.map({ (x: (Double($0.x) + Double($0.width) / 2) / scale, y: (Double($0.y) + Double($0.height) / 2) / scale) })
            ?? pyramid.busiestPlace()
        else { return nil }
        return MotionBlur.estimate(in: level, x: centre.x, y: centre.y).map { Streak(level: level, centre: centre, blur: $0) }
    }

    /// The streak taken back out round its centre, and what is there read: by the redraw through
    /// the finders the search still sights (11 of the 20 streaked scenes at each size). zxing on
    /// the whole square first read 4 of them and none the redraw did not, for a millisecond a
    /// streaked frame. The finders measure wider than they are along what is left of the streak,
    /// which the redraw's versions up to three larger than their guess cover.
    private func readStreaked(_ streak: Streak) -> [[UInt8]] {
        streakLooks += 1
        // Room for the largest code the scenes show, at any angle to the streak: a square cut to
        // the sighting read 2 fewer of the 20 streaked 640x480 scenes (its region is a streaked
        // sighting's, or an earlier frame's). A multiple of 8, as the filter wants.
        let side = min(448, max(streak.level.width, streak.level.height) / 8 * 8)
        let sharpened = deblur.deblurred(streak.level, blur: streak.blur, x: streak.centre.x, y: streak.centre.y, side: side)
        guard let sighting = FinderPatternSearch.sight(in: sharpened), let finders = sighting.finders else { return [] }
        let image = sighting.inverted ? sharpened.inverted() : sharpened
        return readRedrawn(CodeResample.modules(image, finders: finders, moduleSize: sighting.moduleSize)) ?? []
    }

    /// Whether `streak` is the one looked at in vain within the last half second, as good as:
    /// its place within a cell of the busiest-place grid, its length within a pixel and a
    /// half, its direction within 6°.
    private func lookedAtBefore(_ streak: Streak) -> Bool {
        guard let earlier = fruitlessStreak else { return false }
        return abs(streak.centre.x - earlier.centre.x) <= 16 && abs(streak.centre.y - earlier.centre.y) <= 16
            && abs(streak.blur.length - earlier.blur.length) <= 1.5 && MotionBlur.degrees(between: streak.blur.degrees, and: earlier.blur.degrees) <= 6
    }

    /// A streak found in a frame: the frame (or its halved copy) it was measured in, and where.
    private struct Streak {
        let level: GreyFrame
        let centre: (x: Double, y: Double)
        let blur: MotionBlur
    }

    /// Drops what earlier frames taught it about the scene (not what it learnt of its decoders' speed).
    public func forget() {
        remembered = nil
        fruitlessStreak = nil
        nextPass = 0
        stillCode?.reset()
        lastLook = .nothing
    }

    /// Whether a sighting is remembered for the frames to come, for the tests.
    var remembersSighting: Bool { remembered != nil }

    /// A fresh sighting from the first of `levels` that shows one, in full-frame pixels, and
    /// that level; else one from a second look at the frame (the frame's clock `started` says
    /// whether there is time for it); else the one remembered, if recent (`fresh` false).
    private func sight(
        in pyramid: inout Pyramid, levels: [Int], started: ContinuousClock.Instant
    ) -> (sighting: CodeSighting, fresh: Bool, level: Int)? {
        for factor in levels {
            guard let level = pyramid.level(factor), let fresh = FinderPatternSearch.sight(in: level) else { continue }
            let sighting = fresh.scaled(by: factor, inFrameOf: pyramid.frame.width, height: pyramid.frame.height)
            remembered = (sighting, 0)
            return (sighting, true, factor)
        }
        if let fresh = secondLook(at: &pyramid, started: started) {
            remembered = (fresh, 0)
            return (fresh, true, levels.last ?? 1)  // searched after every level: none follows it
        }
        guard let (earlier, frames) = remembered, frames < Self.memory else {
            remembered = nil
            return nil
        }
        remembered = (earlier, frames + 1)
        return (earlier, false, 0)
    }

    /// The search once more, where the levels sighted nothing, on what they miss most:
    /// - A dim gate's high gain: the noise breaks a finder's runs into pieces, and a 3×3 mean
    ///   joins them without shrinking the modules, as the halved frame does (a large frame's
    ///   halved copy is the mean of four pixels already).
    /// - A large frame searched only halved and quartered: a code of 3-pixel modules, or one whose
    ///   finders' rings merge when halved (a backlit one), is sighted only at full resolution.
    ///   Searching all of it costs more than a frame's budget: only a square of `secondLookSide`
    ///   round where the halved frame shows most detail, as a code of small modules does. Only
    ///   while the frame has spent under `secondLookBefore` of its budget: an empty gate's
    ///   slowest frames are already past it, and so do not pay for it.
    private func secondLook(at pyramid: inout Pyramid, started: ContinuousClock.Instant) -> CodeSighting? {
        let frame = pyramid.frame
        guard frame.width > Self.largeFrameWidth else {
            guard frame.noiseLevel() >= Self.noisyFrame else { return nil }
            return FinderPatternSearch.sight(in: frame.denoised())
        }
        guard clock.now - started < budget * Self.secondLookBefore else { return nil }
        let window = Self.detailedWindow(of: frame, busiestInHalved: pyramid.busiestPlace(), width: Self.secondLookSide, height: Self.secondLookSide)
        return FinderPatternSearch.sight(in: frame.cropped(to: window))?.moved(by: window)
    }

    private func found(_ payloads: [[UInt8]]) -> [[UInt8]] {
        lastLook = .read
        nextPass = 0
        stillCode?.reset()
        return payloads
    }

    private func cost(of pass: Pass) -> Double {
        switch pass.decoder {
        case .zbar: nanosecondsPerPixel.zbar
        case .zxing: nanosecondsPerPixel.zxing
        case .redraw: nanosecondsPerPixel.redraw
        }
    }

    /// A moving average, so that the estimates follow this machine and these scenes. Each
    /// measurement counts as at most twice the estimate: a pass the scheduler interrupted must
    /// not make every later pass look too dear to start (a skipped pass teaches nothing, so an
    /// estimate blown up by one outlier would never come down).
    private func learn(_ pass: Pass, took duration: Duration, pixels: Int) {
        guard pixels > 0 else { return }
        let measured = Double(duration.components.seconds) * 1e9 + Double(duration.components.attoseconds) / 1e9
        func update(_ estimate: inout Double) { estimate += (min(measured / Double(pixels), 2 * estimate) - estimate) / 8 }
        switch pass.decoder {
        case .zbar: update(&nanosecondsPerPixel.zbar)
        case .zxing: update(&nanosecondsPerPixel.zxing)
        case .redraw: update(&nanosecondsPerPixel.redraw)
        }
    }

    /// `sightedInThisFrame`: the finders are this frame's own, so its modules may join the average.
    private func run(_ pass: Pass, on crops: inout PreparedCrops, sightedInThisFrame: Bool) -> [[UInt8]] {
        switch pass {
        case .zbar: return (try? zbar.scan(crops.crop)) ?? []
        case .zbarDenoised: return (try? zbar.scan(crops.denoised)) ?? []
        case .zbarDoubled: return (try? zbar.scan(crops.doubled)) ?? []
        case .zbarDoubledDenoised: return (try? zbar.scan(crops.doubledDenoised)) ?? []
        case .zxing: return zxing.scan(crops.crop)
        case .zxingDenoised: return zxing.scan(crops.denoised)
        case .zxingDoubled: return zxing.scan(crops.doubled)
        case .redrawn:
            let modules = crops.resampled.grids
            if let read = readRedrawn(modules) { return read }
            guard sightedInThisFrame, let averaged = stillCode?.add(modules) else { return [] }
            return readRedrawn(averaged) ?? []
        }
    }

    /// zxing on each code redrawn from `modules`, and zbar as well on the first (the likeliest);
    /// the first read. On the 840 scenes with a code, given time, every code the redraw read came
    /// from the first grid (79 by zxing, 47 by zbar after zxing failed). zbar takes 0.5 to 6 ms
    /// on a drawing it cannot read, zxing 0.1: the others are kept for zxing, which costs little.
    private func readRedrawn(_ modules: [ModuleGreys]) -> [[UInt8]]? {
        for (index, grid) in modules.enumerated() {
            let upright = grid.drawn()
            let read = zxing.scan(upright)
            if !read.isEmpty { return read }
            if index == 0, let read = try? zbar.scan(upright), !read.isEmpty { return read }
        }
        return nil
    }

    /// A decoder on a version of the crop.
    enum Pass {
        case zbar, zbarDenoised, zbarDoubled, zbarDoubledDenoised, zxing, zxingDenoised, zxingDoubled
        /// zxing, then zbar, on the code redrawn upright from its finders and alignment patterns,
        /// then on its modules averaged over the frames it has been still in.
        case redrawn

        enum Decoder { case zbar, zxing, redraw }

        var decoder: Decoder {
            switch self {
            case .zbar, .zbarDenoised, .zbarDoubled, .zbarDoubledDenoised: .zbar
            case .zxing, .zxingDenoised, .zxingDoubled: .zxing
            case .redrawn: .redraw
            }
        }

        var doubles: Bool { self == .zbarDoubled || self == .zbarDoubledDenoised || self == .zxingDoubled }

        static func order(moduleSize: Double, inverted: Bool, finders: Bool) -> [Pass] {
            // zxing before zbar: a tenth to a third of zbar's time on the same crop, and it
            // reads as many. Given time, of the codes the redraw did not read in the 640x480 and
            // 1280x720 scenes, zxing first read 2 and 1, then zbar 1 and 1 (zbar first: 2 and 1,
            // then zxing 1 and 1). Doubling quadruples a pass's cost: first for small modules,
            // last for large ones (it still smooths their edges), if the budget has room. zxing
            // had the whole frame in the usual polarity, so it sees the crop as it is only when
            // it is a dark-mode one (below).
            var passes: [Pass] =
                moduleSize < 3.2
                ? [.zxingDoubled, .zxingDenoised, .zbarDoubled, .zbarDoubledDenoised, .zbar, .zbarDenoised]
                : [.zxingDenoised, .zxingDoubled, .zbar, .zbarDenoised, .zbarDoubled, .zbarDoubledDenoised]
            // The upright redraw reads most of what a sighting holds (310 of the 393 sighted
            // codes of the 640x480 scenes, and most of the curved and crumpled paper that bends
            // the decoders' own grid): it comes first (kiosk-bench reading).
            if finders { passes.insert(.redrawn, at: 0) }
            // A dark-mode screen's crop goes to zxing first, which saw the whole frame only in
            // the usual polarity: doubled when its modules are small, as zbar's crops are. Of the
            // 24 such sightings at 640x480, zxing read 13 doubled; a "bit of everything" code it
            // reads only doubled then fits the budget (404 of 420 frames read within it, was 403).
            if inverted, moduleSize < 3.2 {
                passes.removeAll { $0 == .zxingDoubled }
                passes.insert(.zxingDoubled, at: 0)
                passes.append(.zxing)
            } else if inverted {
                passes.insert(.zxing, at: 0)
            }
            return passes
        }
    }

    /// The crop's versions, each made the first time a pass asks for it.
    private struct PreparedCrops {
        let crop: GreyFrame
        let moduleSize: Double
        /// The finders' centres in the crop.
        let finders: FinderCentres?
        lazy var denoised = crop.denoised()
        lazy var doubled = crop.upscaled()
        lazy var doubledDenoised = doubled.denoised()
        /// The code's modules through the finders, and how well the grid fits (`CodeResample.resampled`).
        lazy var resampled = finders.map { CodeResample.resampled(crop, finders: $0, moduleSize: moduleSize) } ?? (grids: [], fit: nil)

        init(crop: GreyFrame, moduleSize: Double, finders: FinderCentres?) {
            (self.crop, self.moduleSize, self.finders) = (crop, moduleSize, finders)
        }

        /// The pixels `pass` reads, known before the version is made.
        func pixels(for pass: Pass) -> Int { crop.width * crop.height * (pass.doubles ? 4 : 1) }
    }

    /// The frame and its halved copies, each made the first time it is asked for.
    private struct Pyramid {
        let frame: GreyFrame
        private var halved: GreyFrame?
        private var quartered: GreyFrame?
        private var busiest: (x: Double, y: Double)?

        init(_ frame: GreyFrame) { self.frame = frame }

        /// The level a streak is measured in: a large frame halved, where its streaks and modules
        /// are as long as a 640x480 frame's.
        mutating func streakLevel() -> (level: GreyFrame, factor: Int)? {
            let factor = frame.width > CodeReader.largeFrameWidth ? 2 : 1
            return level(factor).map { ($0, factor) }
        }

        /// Where the streak level shows most detail (`MotionBlur.busiestPlace`), in its pixels:
        /// where a ticket is, streaked or of small modules, when nothing else says.
        mutating func busiestPlace() -> (x: Double, y: Double)? {
            if busiest == nil, let (level, _) = streakLevel() { busiest = MotionBlur.busiestPlace(in: level) }
            return busiest
        }

        /// The frame reduced `factor` (1, 2 or 4) times, or nil if that would leave too little to search.
        mutating func level(_ factor: Int) -> GreyFrame? {
            guard frame.width / factor >= 160, frame.height / factor >= 120 else { return nil }
            switch factor {
            case 1: return frame
            case 2:
                if halved == nil { halved = frame.halved() }
                return halved
            default:
                if quartered == nil, let halved = level(2) { quartered = halved.halved() }
                return quartered
            }
        }
    }
}
