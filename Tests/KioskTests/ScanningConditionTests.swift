import GateScenes
import Kiosk
import Testing

/// The kiosk's reading of camera frames, condition by condition (`GateCondition`): tickets read
/// from one frame each, nothing read that is not there, and a ticket held still for half a
/// second read every time. The counts are what the reader reads of these very scenes (they are
/// the same every run), less one for leeway: a regression in any one condition fails its test.
/// Speed is not tested here (debug builds); `kiosk-bench reading` measures it.
@Suite("Reading tickets in real-world camera frames")
struct ScanningConditionTests {
    static let shots = 10
    static let tickets = try! SceneTickets(count: shots).tokens

    /// Of `shots` single frames, how many must be read. A streak of 5 to 15 pixels smears the
    /// finders; with the streak taken back out (`MotionDeblur`) the reader reads 6 of these 10
    /// frames and 3 of the 5 at 1280x720 (it read 1 and 0 before). A moving ticket is tested as
    /// people present one, in `MovingTicketTests`. With the redraw fitted to the modules' own
    /// edges (`ModuleEdgeFit`) every one of these crumpled, 2-pixel and "bit of everything"
    /// frames is read (their floors were 7 each before). Dark-mode shot 6 is read through the
    /// next search level's finders since its grid fits doubtfully (`SecondSightingTests`; its floor was 9).
    static let floors: [GateCondition: Int] = [
        .clean: 10, .darkMode: 10, .twoPixelModules: 10, .sensorNoise: 10, .dimScreen: 10, .tilted: 10, .rotated45: 10,
        .rotated30: 10, .smallInClutter: 10, .curved: 10, .crumpled: 10, .motionBlur: 6, .defocus: 10, .mjpeg720: 10,
        .glare: 10, .backlit: 10, .shadow: 10, .lowLight: 10, .farAway: 9, .handheld: 10, .everything: 10,
    ]

    /// Of `shotsAt720p` single frames of the same scenes at 1280x720 (the camera mode the kiosk
    /// prefers: the same field of view, 1.5 times the pixels a module), how many must be read.
    /// Fewer shots: the debug build draws a 1280x720 frame three times as slowly. Every 2-pixel
    /// frame is read since the full-resolution square is searched where the halved frame
    /// sights nothing, and every "bit of everything" one since a doubtful grid has the next
    /// level asked for other finders (`SecondSightingTests`; both floors were 4).
    static let shotsAt720p = 5
    static let floorsAt720p: [GateCondition: Int] = [
        .clean: 5, .darkMode: 5, .twoPixelModules: 5, .sensorNoise: 5, .dimScreen: 5, .tilted: 5, .rotated45: 5,
        .rotated30: 5, .smallInClutter: 5, .curved: 5, .crumpled: 5, .motionBlur: 3, .defocus: 5, .mjpeg720: 5,
        .glare: 5, .backlit: 5, .shadow: 5, .lowLight: 5, .farAway: 5, .handheld: 5, .everything: 5,
    ]

    /// A reader with time for every pass: debug builds are several times slower than the
    /// release build, which fits them in its frame budget.
    static func reader() throws -> CodeReader { try CodeReader(budget: .seconds(10)) }

    @Test("tickets are read from a single frame, and nothing else is read", arguments: GateCondition.allCases)
    func singleFrames(condition: GateCondition) throws {
        let outcome = try ReadingTrial.run(condition, tickets: Self.tickets, shots: Self.shots, reader: Self.reader())
        let floor = try #require(Self.floors[condition])
        #expect(outcome.read >= floor - 1, "\(condition.summary): \(outcome.read) of \(Self.shots) read, \(floor) expected")
        #expect(outcome.misread == 0, "\(condition.summary): \(outcome.misread) payloads that were not the ticket")
    }

    @Test("at 1280x720 too, tickets are read from a single frame, and nothing else", arguments: GateCondition.allCases)
    func singleFramesAt720p(condition: GateCondition) throws {
        let outcome = try ReadingTrial.run(
            condition, tickets: Self.tickets, shots: Self.shotsAt720p, size: (1280, 720), emptyGateToo: true, reader: Self.reader())
        let floor = try #require(Self.floorsAt720p[condition])
        let label = "\(condition.summary) at 1280x720"
        #expect(outcome.read >= floor - 1, "\(label): \(outcome.read) of \(Self.shotsAt720p) read, \(floor) expected")
        #expect(outcome.misread == 0, "\(label): \(outcome.misread) payloads that were not the ticket, or read on an empty frame")
    }

    /// A 1280x720 frame is looked at in full resolution only in a 640x480 window round its most
    /// detailed part (the whole frame cost most of an empty gate's time); a code of modules too
    /// small for the halved frame must draw that window wherever it is, in a busy scene.
    @Test("at 1280x720, a code of 2-pixel modules is read in every corner of a busy scene", arguments: [(0.2, 0.25), (0.8, 0.25), (0.2, 0.75), (0.8, 0.75)])
    func smallModulesAnywhere(centreX: Double, centreY: Double) throws {
        var shot = CameraShot(text: Self.tickets[0], seed: 11)
        (shot.width, shot.height, shot.centreX, shot.centreY, shot.modulePixels, shot.clutter) = (1280, 720, centreX, centreY, 2.2, 0.6)
        let frame = try shot.frame()
        #expect(try Self.reader().read(frame) == [Array(Self.tickets[0].utf8)])
    }

    @Test("an empty gate in any of these scenes reads nothing")
    func emptyScenes() throws {
        let reader = try Self.reader()
        for condition in GateCondition.allCases {
            for index in 0..<2 {
                let frame = try condition.shot(text: nil, index: index).frame()
                #expect(reader.read(frame).isEmpty, "\(condition.summary), shot \(index) without a ticket")
            }
        }
    }

    @Test("a ticket held still for half a second is read, in every condition but motion blur")
    func heldStill() throws {
        for condition in GateCondition.allCases where condition != .motionBlur {
            for index in 0..<3 {
                let reader = try Self.reader()
                var shot = condition.shot(text: Self.tickets[index], index: index)
                var read = false
                // 15 frames at 30 fps: the same scene, each with its own sensor noise and a
                // hand's tremble of a pixel or so.
                for frameNumber in 0..<15 where !read {
                    shot.seed &+= 1
                    shot.centreX += frameNumber % 2 == 0 ? 0.002 : -0.002
                    read = reader.read(try shot.frame()).contains(Array(Self.tickets[index].utf8))
                }
                #expect(read, "\(condition.summary), shot \(index): not read in 15 frames")
            }
        }
    }
}
