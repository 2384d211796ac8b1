import Foundation

/// A frame stamped when it was ready: the clock the verdict's latency is measured from, and the
/// kiosk time it was taken at.
public struct StampedFrame: Sendable {
    public let frame: GreyFrame
    public let ready: ContinuousClock.Instant
    /// Milliseconds since 1970 on the kiosk clock.
    public let time: Int64
}

/// The hand-over from the capture thread to the decode thread: one slot. A live source that
/// finds the slot full replaces the waiting frame (the older one is dropped): the
/// decoder always gets the newest picture and never a backlog. A recorded source waits instead,
/// since a file loses nothing by being read later.
final class FrameMailbox: @unchecked Sendable {
    // @unchecked: `slot` and `closed` are used only while `condition` is locked.
    private let condition = NSCondition()
    private var slot: StampedFrame?
    private var closed = false

    func put(_ frame: StampedFrame, dropIfBusy: Bool) {
        condition.withLock {
            if !dropIfBusy {
                while slot != nil && !closed { condition.wait() }
            }
            guard !closed else { return }
            slot = frame
            condition.broadcast()
        }
    }

    /// The next frame, or nil once the mailbox is closed and empty.
    func take() -> StampedFrame? {
        condition.withLock {
            while slot == nil && !closed { condition.wait() }
            let frame = slot
            slot = nil
            condition.broadcast()
            return frame
        }
    }

    /// No more frames will come; the decoder finishes the one waiting, if any.
    func close() {
        condition.withLock {
            closed = true
            condition.broadcast()
        }
    }

    /// Drops whatever waits and closes: for stopping at once.
    func cancel() {
        condition.withLock {
            slot = nil
            closed = true
            condition.broadcast()
        }
    }
}
