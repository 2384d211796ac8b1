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
            await waitOffThePool { [pipeline] in pipeline.waitUntilFinished() }
        } onGracefulShutdown: {
            pipeline.stop()
        }
    }
}
