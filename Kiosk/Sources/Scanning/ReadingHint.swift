/// What the screen tells a person whose code the camera sees but cannot read.
public enum ReadingHint: String, Sendable, Equatable {
    /// The code is too small in the frame: modules under 2.5 pixels.
    case closer
    /// A dim screen: too little between its light and dark modules.
    case brighter
    /// Large and clear enough, yet unread: blur, from a moving hand or a camera that is still focusing.
    case holdStill

    /// The big word, and the line under it.
    public var words: (word: String, line: String) {
        switch self {
        case .closer: ("CLOSER", "the code is too small to read: hold it closer to the camera")
        case .brighter: ("BRIGHTER", "the screen is too dim: turn its brightness up")
        case .holdStill: ("HOLD STILL", "the code is blurred: hold it still for a moment")
        }
    }

    /// Modules under this many pixels are too small for the decoders at this distance.
    static let smallestReadableModule = 2.5
    /// Between the 5th and 95th percentile of the code's pixels, after the camera's auto exposure:
    /// 47–66 grey levels on the dim-screen scenes, 88 on a screen at a quarter brightness, over
    /// 110 on a bright one or on paper.
    static let leastContrast = 75

    /// The likeliest reason a code sighted with modules of `moduleSize` pixels, inside `crop`,
    /// was not read.
    public static func advice(moduleSize: Double, crop: GreyFrame) -> ReadingHint {
        if moduleSize < smallestReadableModule { return .closer }
        // The middle half of the crop is the code's data; its edges hold the phone's frame and the background.
        let middle = PixelRegion(x: crop.width / 4, y: crop.height / 4, width: crop.width / 2, height: crop.height / 2)
        return spread(of: crop.cropped(to: middle)) < leastContrast ? .brighter : .holdStill
    }

    /// Grey levels between the 5th and the 95th percentile: the code's contrast, without the
    /// few pixels of a reflection or a shadow's edge.
    static func spread(of frame: GreyFrame) -> Int {
        var histogram = [Int](repeating: 0, count: 256)
        for pixel in frame.pixels { histogram[Int(pixel)] += 1 }
        let tail = frame.pixels.count / 20
        var (low, high, seen) = (0, 255, 0)
        while low < 255, seen + histogram[low] <= tail {
            seen += histogram[low]
            low += 1
        }
        seen = 0
        while high > 0, seen + histogram[high] <= tail {
            seen += histogram[high]
            high -= 1
        }
        return max(0, high - low)
    }
}

/// Turns each frame's look into the hint on the screen, steadily: a hint appears once a code has
/// been seen and not read for a sixth of a second (not for a code passing by), sighted afresh in
/// at least two of those frames and in at least half of them, and stays until it is read or out of
/// view for a third of a second, so the screen does not flicker. A look-alike in the background
/// fools the search in a noisy frame now and then and is otherwise only remembered: no code.
public struct HintKeeper {
    public private(set) var shown: ReadingHint?
    private var unreadFrames = 0
    private var freshFrames = 0
    private var emptyFrames = 0

    static let framesToShow = 5
    static let freshFramesToShow = 2
    static let framesToClear = 10

    public init() {}

    /// The hint after this frame's look, and whether it changed.
    public mutating func observe(_ look: CodeReader.Look) -> (hint: ReadingHint?, changed: Bool) {
        let before = shown
        switch look {
        case .read:
            (unreadFrames, freshFrames, emptyFrames, shown) = (0, 0, 0, nil)
        case .nothing:
            emptyFrames += 1
            (unreadFrames, freshFrames) = (0, 0)
            if emptyFrames >= Self.framesToClear { shown = nil }
        case .unread(_, let hint), .recalled(_, let hint):
            if case .unread = look { freshFrames += 1 }
            emptyFrames = 0
            unreadFrames += 1
            let seenEnough = freshFrames >= Self.freshFramesToShow && freshFrames * 2 >= unreadFrames
            if (unreadFrames >= Self.framesToShow && seenEnough) || shown != nil { shown = hint }
        }
        return (shown, shown != before)
    }
}
