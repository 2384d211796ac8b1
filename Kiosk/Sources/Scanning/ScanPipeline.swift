import Foundation
import ServiceLifecycle
import Synchronization

/// Camera to verdict on two threads of its own, started when the service runs: the capture
/// thread reads frames from the source into a one-frame mailbox; the decode thread reads QR
/// codes (zxing-cpp and zbar, in passes: `CodeReader`) and hands each to the redeem step, which has the gatekeeper judge it (and,
/// online, the server redeem it) and publishes the recorded verdict.
/// Blocking C calls (V4L2, zxing, zbar, SQLite) never run on the async pool, and nothing a consumer
/// of the events does (drawing, writing a pipe, starting a hook) runs on the decode thread.
///
/// It runs until the source ends (a recording) or the group shuts down or is cancelled; it then
/// finishes and records the frame in hand, and ends the event stream after the last verdict.
public final class ScanPipeline: Service, Sendable {
    private let mailbox = FrameMailbox()
    private let stopping = Atomic<Bool>(false)
    private let events: ScanEvents
    private let redeem: RedeemStep
    private let density: Int32
    private let capture: CaptureLoop
    private let metrics: KioskMetrics?

    /// Why a recording stopped early (cut off mid-frame, unreadable), once it has.
    public var sourceProblem: String? { problem.withLock { $0 } }
    private let problem = Mutex<String?>(nil)

    /// `source` moves to the capture thread and is used only there. `clockStart` is the kiosk
    /// time of a recording's first frame; without it, and always for a live source, frames are
    /// stamped with `clock`.
    public init(
        source: sending any FrameSource, clockStart: Int64? = nil, clock: KioskClock = .system, gatekeeper: Gatekeeper,
        redeem: RedeemStep? = nil, density: Int32 = 1, events: ScanEvents, metrics: KioskMetrics? = nil
    ) {
        self.metrics = metrics
        capture = CaptureLoop(source: source, clockStart: clockStart, clock: clock)
        self.redeem = redeem ?? RedeemStep(gatekeeper: gatekeeper, events: events)
        self.density = density
        self.events = events
    }

    public func run() async throws {
        let finished = DispatchSemaphore(value: 0)
        let captureThread = Thread { [self] in
            capture.run(into: mailbox, stopping: stopping) { event in
                if case .failure(let reason) = event { problem.withLock { $0 = reason } }
                events.publish(event)
            }
        }
        captureThread.name = "capture"
        captureThread.start()
        let decodeThread = Thread { [self] in
            decodeLoop()
            redeem.drain()  // the last verdicts out to the server are recorded before the stream ends
            finished.signal()
        }
        decodeThread.name = "decode"
        decodeThread.start()
        await withTaskCancellationOrGracefulShutdownHandler {
            await waitOffThePool { finished.wait() }
        } onCancelOrGracefulShutdown: { [self] in
            stop()
        }
        events.finish()
    }

    /// Stops capturing; the frame being decoded is finished and recorded first.
    func stop() {
        stopping.store(true, ordering: .relaxed)
        mailbox.cancel()
    }

    private func decodeLoop() {
        let reader: CodeReader
        do {
            reader = try CodeReader(density: density)
        } catch {
            problem.withLock { $0 = error.description }
            events.publish(.failure(error.description))
            return
        }
        var hints = HintKeeper()
        while let stamped = mailbox.take() {
            let started = ContinuousClock.now
            let payloads = reader.read(stamped.frame)
            metrics?.decoded(in: ContinuousClock.now - started)
            let (hint, changed) = hints.observe(reader.lastLook)
            if changed { events.publish(.hint(hint)) }
            for payload in payloads {
                do {
                    try redeem.scan(payload, at: stamped.time, ready: stamped.ready)
                } catch {
                    events.publish(.failure("scan not recorded: \(error)"))
                }
            }
        }
    }
}

/// The capture thread's side: reads the source, stamps frames, hands them over.
private final class CaptureLoop: @unchecked Sendable {
    // @unchecked: created on the starting thread, then used only by the capture thread.
    private let source: any FrameSource
    private let clockStart: Int64?
    private let clock: KioskClock
    private var framesRead: Int64 = 0

    init(source: any FrameSource, clockStart: Int64?, clock: KioskClock) {
        self.source = source
        self.clockStart = clockStart
        self.clock = clock
    }

    func run(into mailbox: FrameMailbox, stopping: borrowing Atomic<Bool>, report: (ScanEvent) -> Void) {
        // A recording replayed as fast as it decodes keeps its own timeline: frame n is at
        // start + n / fps, so a ten-second clip means ten seconds to the debounce window.
        let start = source.isLive ? nil : (clockStart ?? clock.now())
        var state = CameraState.starting
        func set(_ new: CameraState) {
            if new != state {
                state = new
                report(.camera(new))
            }
        }
        while !stopping.load(ordering: .relaxed) {
            switch source.next() {
            case .frame(let frame):
                set(.streaming)
                let time: Int64
                if let start, let interval = source.frameInterval {
                    time = start + Int64((Double(framesRead) * interval * 1_000).rounded())
                } else {
                    time = clock.now()
                }
                framesRead += 1
                mailbox.put(StampedFrame(frame: frame, ready: .now, time: time), dropIfBusy: source.isLive)
            case .idle:
                set(.streaming)
            case .lost(let reason):
                set(.lost(reason))
            case .ended(let error):
                if let error { report(.failure(error)) }
                set(.ended)
                mailbox.close()
                return
            }
        }
        mailbox.close()
    }
}
