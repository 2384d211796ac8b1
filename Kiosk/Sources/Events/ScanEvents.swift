import Synchronization

/// What happens at the gate, as the screen, the JSON writer and the turnstile hook hear it.
public enum ScanEvent: Sendable {
    /// A verdict, camera or manual, already on disk. `latency` runs from the frame being ready
    /// to the verdict being recorded (zero for a manual admit).
    case verdict(Gatekeeper.Outcome, latency: Duration)
    case camera(CameraState)
    /// A code in view that the camera cannot read, and what would help; nil once it is gone or read.
    case hint(ReadingHint?)
    /// A scan could not be recorded (the disk is full, say): no verdict may be shown for it.
    case failure(String)
}

/// The one stream of scan events. Every verdict goes through here, whether the camera's decode
/// thread or the staff's manual lookup made it, and each consumer reads its own bounded
/// `AsyncStream` of them. Publishing never waits: a consumer that falls behind (a stalled
/// pipe, a slow hook) loses its oldest unread events, never the decode thread's time.
public final class ScanEvents: Sendable {
    private struct Subscriber {
        let name: String
        let continuation: AsyncStream<ScanEvent>.Continuation
        var dropped = 0
    }

    private let subscribers = Mutex<[Subscriber]>([])
    private let report: @Sendable (String) -> Void

    /// `report` hears of events a consumer had to drop.
    public init(report: @escaping @Sendable (String) -> Void = { _ in }) {
        self.report = report
    }

    /// A new consumer's stream, holding at most `limit` unread events. Subscribe before the
    /// first event is published: a stream starts with the events after it.
    public func subscribe(_ name: String, limit: Int = 1_024) -> AsyncStream<ScanEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: ScanEvent.self, bufferingPolicy: .bufferingNewest(limit))
        subscribers.withLock { $0.append(Subscriber(name: name, continuation: continuation)) }
        return stream
    }

    /// Hands `event` to every consumer; returns at once.
    public func publish(_ event: ScanEvent) {
        let overflowed: [(String, Int)] = subscribers.withLock { subscribers in
            var overflowed: [(String, Int)] = []
            for index in subscribers.indices {
                if case .dropped = subscribers[index].continuation.yield(event) {
                    subscribers[index].dropped += 1
                    overflowed.append((subscribers[index].name, subscribers[index].dropped))
                }
            }
            return overflowed
        }
        // Reported on the 1st, 2nd, 4th, 8th … drop: a stuck consumer must not flood the log.
        for (name, dropped) in overflowed where dropped & (dropped - 1) == 0 {
            report("the \(name) is behind: \(dropped) events dropped so far")
        }
    }

    /// Ends every consumer's stream after the events already in it: nothing more will come.
    public func finish() {
        subscribers.withLock { subscribers in
            for subscriber in subscribers { subscriber.continuation.finish() }
        }
    }
}
