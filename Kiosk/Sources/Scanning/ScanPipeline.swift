import Foundation
import Synchronization

/// What the pipeline tells the screen (or the JSON writer).
public enum ScanEvent: Sendable {
    /// A verdict, already on disk. `latency` runs from the frame being ready to now.
    case verdict(Gatekeeper.Outcome, latency: Duration)
    case camera(CameraState)
    /// A scan could not be recorded (the disk is full, say): no verdict may be shown for it.
    case failure(String)
}

/// Camera to verdict on two threads of its own: the capture thread reads frames from the source
/// into a one-frame mailbox; the decode thread reads QR codes with zbar and has the gatekeeper
/// judge and record each. Blocking C calls (V4L2, zbar, SQLite) never run on the async pool.
public final class ScanPipeline: Sendable {
    private let mailbox = FrameMailbox()
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    private let handler: @Sendable (ScanEvent) -> Void
    private let gatekeeper: Gatekeeper
    private let density: Int32

    /// Why a recording stopped early (cut off mid-frame, unreadable), once it has.
    public var sourceProblem: String? { problem.withLock { $0 } }
    private let problem = Mutex<String?>(nil)

    public init(gatekeeper: Gatekeeper, density: Int32 = 1, handler: @escaping @Sendable (ScanEvent) -> Void) {
        self.gatekeeper = gatekeeper
        self.density = density
        self.handler = handler
    }

    /// Starts both threads. `source` moves to the capture thread and is used only there.
    /// `clockStart` is the kiosk time (milliseconds since 1970) of a recording's first frame;
    /// without it, and always for a live source, frames are stamped with the wall clock.
    public func start(source: sending any FrameSource, clockStart: Int64? = nil) {
        let capture = CaptureLoop(source: source, clockStart: clockStart)
        let captureThread = Thread { [self] in
            capture.run(into: mailbox, stopping: stopping) { event in
                if case .failure(let reason) = event { problem.withLock { $0 = reason } }
                handler(event)
            }
        }
        captureThread.name = "capture"
        captureThread.start()
        let decodeThread = Thread { [self] in
            decodeLoop()
            finished.signal()
        }
        decodeThread.name = "decode"
        decodeThread.start()
    }

    /// Blocks until the decode thread has judged the last frame (a recording's end, or `stop`).
    public func waitUntilFinished() {
        finished.wait()
        finished.signal()  // let any other waiter through too
    }

    /// Stops capturing; the frame being decoded is finished and recorded first.
    public func stop() {
        stopping.store(true, ordering: .relaxed)
        mailbox.cancel()
    }

    private func decodeLoop() {
        let scanner: QRScanner
        do {
            scanner = try QRScanner(density: density)
        } catch {
            handler(.failure(error.description))
            return
        }
        while let stamped = mailbox.take() {
            let payloads: [[UInt8]]
            do {
                payloads = try scanner.scan(stamped.frame)
            } catch {
                continue  // zbar could not read this frame; the next one comes in a moment
            }
            for payload in payloads {
                do {
                    let outcome = try gatekeeper.scan(payload, at: stamped.time)
                    handler(.verdict(outcome, latency: ContinuousClock.now - stamped.ready))
                } catch {
                    handler(.failure("scan not recorded: \(error)"))
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
    private var framesRead: Int64 = 0

    init(source: any FrameSource, clockStart: Int64?) {
        self.source = source
        self.clockStart = clockStart
    }

    func run(into mailbox: FrameMailbox, stopping: borrowing Atomic<Bool>, report: (ScanEvent) -> Void) {
        // A recording replayed as fast as it decodes keeps its own timeline: frame n is at
        // start + n / fps, so a ten-second clip means ten seconds to the debounce window.
        let start = source.isLive ? nil : (clockStart ?? KioskTime.now())
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
                    time = KioskTime.now()
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
