import Foundation

/// The conditions a gate camera meets, each a family of shots drawn at random within its
/// ranges: the kiosk's scanning is tested and benchmarked family by family, so a regression in
/// one shows. Every family but `clean` has a baseline of real-camera faults too (a little
/// defocus, some noise, clutter), as no gate is ever clean.
public enum GateCondition: String, CaseIterable, Sendable {
    case clean
    case darkMode = "dark-mode"
    case twoPixelModules = "2px-modules"
    case sensorNoise = "sensor-noise"
    case dimScreen = "dim-screen"
    case tilted
    case rotated45 = "rotated-45"
    case rotated30 = "rotated-30"
    case smallInClutter = "small-in-clutter"
    case curved
    case crumpled
    case motionBlur = "motion-blur"
    case defocus
    case mjpeg720 = "mjpeg-720p"
    case glare
    case backlit
    case shadow
    case lowLight = "low-light"
    case farAway = "far-away"
    case handheld
    case everything

    /// What the family is, for the benchmark's table.
    public var summary: String {
        switch self {
        case .clean: "clean, 3–6 px modules, 0–15°"
        case .darkMode: "dark-mode screen (light modules on black)"
        case .twoPixelModules: "2 px modules"
        case .sensorNoise: "sensor noise σ 8–16"
        case .dimScreen: "dim phone screen (30–50 grey levels of contrast)"
        case .tilted: "phone or paper tilted 20–40°"
        case .rotated45: "rotated 45°"
        case .rotated30: "rotated 30°"
        case .smallInClutter: "small code in a cluttered background"
        case .curved: "curved printout"
        case .crumpled: "crumpled printout"
        case .motionBlur: "motion blur 5–15 px"
        case .defocus: "defocus (σ 1.2–2.2 px)"
        case .mjpeg720: "MJPEG at 1280x720, quality 50–75"
        case .glare: "glare on a phone's glass"
        case .backlit: "backlit: a bright window behind"
        case .shadow: "a hard shadow across the code"
        case .lowLight: "low light: high gain, noise σ 10, soft focus"
        case .farAway: "far away: 2.5–3 px modules, noise σ 6"
        case .handheld: "handheld: 2–4 px shake, 10–20° tilt"
        case .everything: "a bit of everything at once"
        }
    }

    /// Shot number `index` of this family, of a ticket whose QR text is `text` (nil: no ticket,
    /// the same scene otherwise, for the empty-gate cost).
    public func shot(text: String?, index: Int) -> CameraShot {
        var random = SeededRandom(seed: UInt64(index) &* 7_919 &+ UInt64(Self.allCases.firstIndex(of: self)!) &* 104_729)
        func within(_ range: ClosedRange<Double>) -> Double { range.lowerBound + random.unit() * (range.upperBound - range.lowerBound) }
        func sign() -> Double { random.int(2) == 0 ? -1 : 1 }
        var shot = CameraShot(text: text, seed: random.next())
        shot.carrier = random.int(2) == 0 ? .paper : .phone(darkMode: false)
        shot.centreX = within(0.35...0.65)
        shot.centreY = within(0.35...0.65)
        shot.modulePixels = within(3...6)
        shot.rollDegrees = sign() * within(0...15)
        shot.tiltXDegrees = within(-8...8)
        shot.tiltYDegrees = within(-8...8)
        shot.defocus = within(0.6...0.9)
        shot.noise = within(2...5)
        shot.clutter = within(0.2...0.6)
        switch self {
        case .clean:
            shot.tiltXDegrees = 0
            shot.tiltYDegrees = 0
            shot.defocus = 0.5
            shot.noise = 1
        case .darkMode:
            shot.carrier = .phone(darkMode: true)
        case .twoPixelModules:
            shot.modulePixels = within(2...2.3)
            shot.noise = within(2...3)
        case .sensorNoise:
            shot.noise = within(8...16)
        case .dimScreen:
            shot.carrier = .phone(darkMode: false)
            shot.screenBrightness = within(0.12...0.22)
            shot.screenReflection = within(0.05...0.08)
        case .tilted:
            let tilt = within(20...40)
            if random.int(2) == 0 { shot.tiltXDegrees = sign() * tilt } else { shot.tiltYDegrees = sign() * tilt }
            shot.modulePixels = within(3.5...6)
        case .rotated45:
            shot.rollDegrees = sign() * within(42...48)
        case .rotated30:
            shot.rollDegrees = sign() * within(27...33)
        case .smallInClutter:
            shot.modulePixels = within(2.5...3.2)
            shot.clutter = 1
            shot.centreX = within(0.2...0.8)
            shot.centreY = within(0.25...0.75)
        case .curved:
            shot.carrier = .paper
            shot.curl = within(4...9)
        case .crumpled:
            shot.carrier = .paper
            shot.crumple = within(0.12...0.22)
            shot.curl = within(0...3)
        case .motionBlur:
            shot.motionPixels = within(5...15)
            shot.motionDegrees = within(0...180)
        case .defocus:
            shot.defocus = within(1.2...2.2)
            shot.modulePixels = within(4...6)
        case .mjpeg720:
            shot.width = 1280
            shot.height = 720
            shot.modulePixels = within(4...8)
            shot.jpegQuality = Int(within(50...75))
            shot.noise = within(3...6)
        case .glare:
            shot.carrier = .phone(darkMode: random.int(3) == 0)
            shot.glare = within(0.8...2)
        case .backlit:
            shot.carrier = .paper
            shot.backlight = within(4...8)
            shot.centreY = within(0.55...0.7)
        case .shadow:
            shot.carrier = .paper
            shot.shadow = within(0.55...0.8)
        case .lowLight:
            shot.noise = 10
            shot.defocus = within(1...1.3)
            shot.screenBrightness = within(0.8...1.2)
        case .farAway:
            shot.modulePixels = within(2.5...3)
            shot.noise = 6
        case .handheld:
            shot.motionPixels = within(2...4)
            shot.motionDegrees = within(0...180)
            if random.int(2) == 0 { shot.tiltXDegrees = sign() * within(10...20) } else { shot.tiltYDegrees = sign() * within(10...20) }
        case .everything:
            shot.carrier = random.int(3) == 0 ? .phone(darkMode: true) : shot.carrier
            shot.rollDegrees = within(0...360)
            shot.tiltXDegrees = sign() * within(5...20)
            shot.noise = within(5...9)
            shot.defocus = within(0.8...1.2)
            shot.motionPixels = within(0...3)
            shot.jpegQuality = 70
            shot.crumple = shot.carrier == .paper ? 0.2 : 0
        }
        return shot.keptInView()
    }
}
