import Foundation
import ServiceLifecycle

/// The scan pipeline as a service: it runs until the source ends (a recording) or the group shuts
/// down (SIGTERM, SIGINT, the screen's quit key), and on shutdown finishes and records the frame
/// in hand before returning.
public struct ScanService: Service {
    public let pipeline: ScanPipeline

    public init(pipeline: ScanPipeline) {
        self.pipeline = pipeline
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                // The wait blocks a thread, so it gets one of its own rather than the async pool's.
                Thread.detachNewThread { [pipeline] in
                    pipeline.waitUntilFinished()
                    continuation.resume()
                }
            }
        } onGracefulShutdown: {
            pipeline.stop()
        }
    }
}
