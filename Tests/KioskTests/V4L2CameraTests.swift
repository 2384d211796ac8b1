import Foundation
import Kiosk
import TestSupport
import Testing

@Suite("V4L2 camera errors")
struct V4L2CameraTests {
    @Test("opening a missing device fails with 'no camera at …'")
    func missingDevice() {
        #expect(throws: V4L2Error.noSuchDevice(path: "/dev/video97")) {
            try V4L2Camera(path: "/dev/video97", width: 640, height: 480)
        }
        #expect(V4L2Error.noSuchDevice(path: "/dev/video97").description == "no camera at /dev/video97")
    }

    @Test("a file that is not a video device is refused as not a capture device")
    func notAVideoDevice() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("not-a-camera")
        try Data("plain file".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: V4L2Error.notACaptureDevice(path: path)) { try V4L2Camera(path: path, width: 640, height: 480) }
        #expect(throws: V4L2Error.notACaptureDevice(path: "/dev/null")) { try V4L2Camera(path: "/dev/null", width: 640, height: 480) }
    }

    @Test("every error reads as one line")
    func descriptions() {
        let errors: [V4L2Error] = [
            .busy(path: "/dev/video0"), .permissionDenied(path: "/dev/video0"), .disconnected(path: "/dev/video0"),
            .unsupportedSize(path: "/dev/video0", requested: "640x480", offered: "320x240"),
            .system(path: "/dev/video0", operation: "VIDIOC_DQBUF", errno: EIO),
        ]
        for error in errors { #expect(!error.description.contains("\n") && !error.description.isEmpty) }
        #expect(V4L2Error.busy(path: "/dev/video0").description.contains("busy"))
    }
}
