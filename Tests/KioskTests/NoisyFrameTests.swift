import GateScenes
@testable import Kiosk
import Testing

/// A gate at night: the camera's gain turned up, and its noise breaking the finders' runs into
/// pieces. A frame that measures that noisy and shows the search nothing is searched again with
/// its noise averaged out (`CodeReader.noisyFrame`).
@Suite("A dim gate's high gain")
struct NoisyFrameTests {
    @Test("the noise level reads a scene's sensor noise: about 10 under low light's gain, little on a clean one")
    func noiseLevel() throws {
        for index in 0..<3 {
            let dim = try GateCondition.lowLight.shot(text: nil, index: index).at(width: 640, height: 480).frame()
            #expect((9...11).contains(dim.noiseLevel()), "low light, shot \(index): \(dim.noiseLevel())")
            #expect(dim.noiseLevel() >= CodeReader.noisyFrame)
            let clean = try GateCondition.clean.shot(text: nil, index: index).at(width: 640, height: 480).frame()
            #expect(clean.noiseLevel() <= 2, "clean, shot \(index): \(clean.noiseLevel())")
        }
        #expect(GreyFrame(width: 1, height: 1).noiseLevel() == 0)
    }

    @Test("a ticket whose finders the noise hides from the search is sighted with the noise averaged out, and read")
    func sightedThroughNoise() throws {
        // Low light's shot 15 at 640x480, as `kiosk-bench reading 20` shows it: no finder is
        // found in the frame or in its halved copy (whose modules are too small to read).
        let ticket = try SceneTickets(count: 20).tokens[15]
        let frame = try GateCondition.lowLight.shot(text: ticket, index: 15).at(width: 640, height: 480).frame()
        #expect(FinderPatternSearch.sight(in: frame) == nil && FinderPatternSearch.sight(in: frame.halved()) == nil, "the search sees it")
        #expect(try CodeReader(budget: .seconds(10)).read(frame) == [Array(ticket.utf8)])
    }
}
