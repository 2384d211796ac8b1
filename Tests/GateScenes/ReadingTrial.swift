import Foundation
import Kiosk

/// Shows a reader one frame of each shot of a condition, as if each were the only frame it got,
/// and counts what it read: the exact ticket (read), nothing (missed), or anything else
/// (misread: a false admit would start there). Frames are drawn first; only reading is timed.
public struct ReadingTrial {
    public struct Outcome: Sendable {
        public let condition: GateCondition
        public let shots: Int
        public var read = 0
        public var misread = 0
        /// The shots whose ticket was not read, by index (as `kiosk-bench scenes` names them).
        public var missed: [Int] = []
        /// Milliseconds per frame, read by read.
        public var timesWithCode: [Double] = []
        public var timesEmpty: [Double] = []

        public var rate: Double { Double(read) / Double(shots) }
    }

    /// `read` is given each frame in turn; `forget` is called before each shot, so that nothing
    /// learnt from one shot helps the next (the single-frame rate).
    public static func run(
        _ condition: GateCondition, tickets: [String], shots: Int, size: (width: Int, height: Int)? = nil, emptyGateToo: Bool = false,
        reader: CodeReader
    ) throws -> Outcome {
        var outcome = Outcome(condition: condition, shots: shots)
        let clock = ContinuousClock()
        for index in 0..<shots {
            let text = tickets[index % tickets.count]
            var shot = condition.shot(text: text, index: index)
            if let size { shot = shot.at(width: size.width, height: size.height) }
            let frame = try shot.frame()
            reader.forget()
            let started = clock.now
            let payloads = reader.read(frame)
            outcome.timesWithCode.append(milliseconds(clock.now - started))
            if payloads.contains(Array(text.utf8)) { outcome.read += 1 } else { outcome.missed.append(index) }
            outcome.misread += payloads.filter { $0 != Array(text.utf8) }.count
            if emptyGateToo {
                shot.text = nil
                let empty = try shot.frame()
                reader.forget()
                let started = clock.now
                outcome.misread += reader.read(empty).count
                outcome.timesEmpty.append(milliseconds(clock.now - started))
            }
        }
        return outcome
    }

    public static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1_000 + Double(duration.components.attoseconds) / 1e15
    }
}
