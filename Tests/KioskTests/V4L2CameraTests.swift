import Foundation
import Kiosk
import TestSupport
import Testing

@Suite("V4L2 camera errors")
struct V4L2CameraTests {
    @Test("opening a missing device fails with 'no camera at …'")
    func missingDevice() {
        #expect(throws: V4L2Error.noSuchDevice(path: "/dev/video97")) {
            try V4L2Camera(path: "/dev/video97", size: (640, 480))
        }
        #expect(V4L2Error.noSuchDevice(path: "/dev/video97").description == "no camera at /dev/video97")
    }

    @Test("a file that is not a video device is refused as not a capture device")
    func notAVideoDevice() async throws {
        let directory = TemporaryDirectory()
        let path = directory.file("not-a-camera")
        try Data("plain file".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: V4L2Error.notACaptureDevice(path: path)) { try V4L2Camera(path: path) }
        #expect(throws: V4L2Error.notACaptureDevice(path: "/dev/null")) { try V4L2Camera(path: "/dev/null") }
    }

    @Test("every error reads as one line")
    func descriptions() {
        let errors: [V4L2Error] = [
            .busy(path: "/dev/video0"), .permissionDenied(path: "/dev/video0"), .disconnected(path: "/dev/video0"),
            .unsupportedSize(path: "/dev/video0", requested: "640x480", offered: "320x240"),
            .system(path: "/dev/video0", operation: "VIDIOC_DQBUF", errno: EIO),
            .control(path: "/dev/video0", .unknown(name: "zoom", known: ["focus_auto", "exposure_auto"])),
        ]
        for error in errors { #expect(!error.description.contains("\n") && !error.description.isEmpty) }
        #expect(V4L2Error.busy(path: "/dev/video0").description.contains("busy"))
    }

    @Test("describing or reopening what is not a camera fails the same way, and so does the cameras command")
    func describeAndList() async throws {
        #expect(throws: V4L2Error.noSuchDevice(path: "/dev/video97")) { try V4L2Camera.describe("/dev/video97") }
        #expect(throws: V4L2Error.notACaptureDevice(path: "/dev/null")) { try V4L2Camera.describe("/dev/null") }
        #expect(throws: V4L2Error.noSuchDevice(path: "/dev/video97")) { try CameraSource(path: "/dev/video97", controlRequests: ["focus_auto=1"]) }

        let notACamera = try await GateHarness.runner.run(["cameras", "/dev/null"])
        #expect(notACamera.status == 2)
        #expect(notACamera.standardError == "gate-kiosk: error: /dev/null is not a video capture device\n")
        let missing = try await GateHarness.runner.run(["cameras", "/dev/video97"])
        #expect(missing.standardError == "gate-kiosk: error: no camera at /dev/video97\n")
        // These machines have no camera at all: the listing says so rather than printing nothing.
        if CamerasCommandDevices.none {
            let none = try await GateHarness.runner.run(["cameras"])
            #expect(none.status == 2)
            #expect(none.standardError == "gate-kiosk: error: no cameras found: no /dev/video* device captures video\n")
        }
    }

    @Test("run refuses a malformed --size before it opens anything")
    func sizeFlag() async throws {
        let gate = try GateHarness()
        let refused = try await GateHarness.runner.run(["run", "--data", gate.data, "--source", "/dev/video97", "--size", "wide", "--json"])
        #expect(refused.status == 2)
        #expect(refused.standardError.contains("--size must be auto or WIDTHxHEIGHT"), "\(refused.standardError)")
    }
}

/// Whether this machine has any /dev/video* at all.
enum CamerasCommandDevices {
    static var none: Bool {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/dev")) ?? []).allSatisfy { !$0.hasPrefix("video") }
    }
}

@Suite("Choosing a camera's mode and controls")
struct CameraSettingsTests {
    /// A typical UVC webcam: YUYV is uncompressed, so USB 2 carries 720p of it at only 10 fps.
    static let webcam = [
        CameraMode(pixelFormat: "YUYV", width: 640, height: 480, framesPerSecond: 30),
        CameraMode(pixelFormat: "YUYV", width: 1280, height: 720, framesPerSecond: 10),
        CameraMode(pixelFormat: "YUYV", width: 1920, height: 1080, framesPerSecond: 5),
        CameraMode(pixelFormat: "MJPG", width: 640, height: 480, framesPerSecond: 30),
        CameraMode(pixelFormat: "MJPG", width: 1280, height: 720, framesPerSecond: 30),
        CameraMode(pixelFormat: "MJPG", width: 1920, height: 1080, framesPerSecond: 30),
    ]

    @Test("the best mode: 720p at 30 fps over more pixels or an uncompressed format at a lower rate")
    func bestMode() {
        #expect(CameraMode.best(among: Self.webcam) == Self.webcam[4])
        // Asked for 640x480: the format the kiosk reads without decoding.
        #expect(CameraMode.best(among: Self.webcam, size: (640, 480)) == Self.webcam[0])
        // A camera without 720p at 30: 640x480 at 30 beats 720p at 10.
        let older = Array(Self.webcam.prefix(3))
        #expect(CameraMode.best(among: older) == older[0])
        // Neither preferred size: the fastest, then the nearest to 720p; 29.97 fps is full rate.
        let odd = [
            CameraMode(pixelFormat: "MJPG", width: 800, height: 600, framesPerSecond: 29.97),
            CameraMode(pixelFormat: "MJPG", width: 320, height: 240, framesPerSecond: 30),
            CameraMode(pixelFormat: "MJPG", width: 1024, height: 768, framesPerSecond: 15),
        ]
        #expect(CameraMode.best(among: odd) == odd[0])
        #expect(CameraMode.best(among: Self.webcam, size: (1024, 768)) == nil)
        #expect(CameraMode.best(among: []) == nil)
        #expect(Self.webcam[4].description == "1280x720 MJPG at 30 fps")
    }

    static let controls = [
        CameraControl(id: 0x0098_0900, name: "Brightness", kind: .integer, minimum: 0, maximum: 255, step: 1, defaultValue: 128, value: 128),
        CameraControl(
            id: 0x009a_0901, name: "Auto Exposure", kind: .menu, minimum: 0, maximum: 3, step: 1, defaultValue: 3, value: 1,
            menu: [.init(1, "Manual Mode"), .init(3, "Aperture Priority Mode")]),
        CameraControl(id: 0x009a_0903, name: "Exposure, Dynamic Framerate", kind: .boolean, minimum: 0, maximum: 1, step: 1, defaultValue: 1, value: 1),
        CameraControl(id: 0x009a_090c, name: "Focus, Automatic Continuous", kind: .boolean, minimum: 0, maximum: 1, step: 1, defaultValue: 1, value: 1),
        CameraControl(id: 0x009a_090a, name: "Focus (absolute)", kind: .integer, minimum: 0, maximum: 250, step: 5, defaultValue: 0, value: 0, inactive: true),
    ]

    @Test("the kiosk's settings: automatic exposure, a steady frame rate; what is already so is left alone")
    func kioskSettings() {
        let settings = CameraControl.kioskSettings(for: Self.controls)
        #expect(settings.map(\.key) == ["auto_exposure", "exposure_dynamic_framerate"])
        #expect(settings.map(\.value) == [3, 0])
        // A camera whose menu has no aperture priority keeps its exposure mode.
        var manualOnly = Self.controls
        manualOnly[1].menu = [.init(1, "Manual Mode")]
        #expect(CameraControl.kioskSettings(for: manualOnly).map(\.key) == ["exposure_dynamic_framerate"])
        #expect(CameraControl.kioskSettings(for: []).isEmpty)
    }

    @Test("staff's control settings are checked against the camera's controls")
    func staffSettings() throws {
        let set = try CameraControl.settings(["focus_absolute=30", "Focus, Automatic Continuous=0", "brightness = 100"], for: Self.controls)
        #expect(set.map(\.key) == ["focus_absolute", "focus_automatic_continuous", "brightness"])
        #expect(set.map(\.value) == [30, 0, 100])
        #expect(throws: ControlSettingError.malformed("focus")) { try CameraControl.settings(["focus"], for: Self.controls) }
        #expect(throws: ControlSettingError.malformed("zoom=far")) { try CameraControl.settings(["zoom=far"], for: Self.controls) }
        #expect(throws: ControlSettingError.outOfRange(name: "brightness", value: 300, minimum: 0, maximum: 255)) {
            try CameraControl.settings(["brightness=300"], for: Self.controls)
        }
        #expect(throws: ControlSettingError.outOfRange(name: "auto_exposure", value: 2, minimum: 0, maximum: 3)) {
            try CameraControl.settings(["auto_exposure=2"], for: Self.controls)
        }
        #expect(throws: ControlSettingError.outOfRange(name: "exposure_dynamic_framerate", value: 2, minimum: 0, maximum: 1)) {
            try CameraControl.settings(["exposure_dynamic_framerate=2"], for: Self.controls)
        }
        do {
            _ = try CameraControl.settings(["zoom=2"], for: Self.controls)
            Issue.record("an unknown control was accepted")
        } catch {
            #expect(error.description.hasPrefix("this camera has no control 'zoom'; it has brightness, auto_exposure"))
        }
    }
}
