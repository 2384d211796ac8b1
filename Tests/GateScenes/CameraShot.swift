import CJPEG
import Foundation
import Kiosk
import QRCodes

/// One frame as a gate's webcam takes it: a ticket (a printout, or a phone screen in light or
/// dark mode) held somewhere in a cluttered scene, seen through a pinhole camera at any roll
/// and tilt, bent or crumpled, then the camera's own faults: lens blur and defocus, motion
/// blur, auto-exposure (which a bright window or a glowing screen throws off), shadow, glare
/// on glass, sensor noise, gamma and, for MJPEG cameras, a real JPEG round trip (libjpeg).
///
/// Light is worked in linear units (1 = white paper in the room's light) and every pixel
/// integrates 3×3 samples, as a sensor's pixel integrates its area; so edges are grey, not
/// jagged. Deterministic for a given seed.
public struct CameraShot: Sendable {
    public enum Carrier: Sendable, Equatable {
        /// Black ink on white paper, lit by the room (and by its shadows).
        case paper
        /// A glowing phone screen; in dark mode the code is light on black.
        case phone(darkMode: Bool)
    }

    /// The QR text, or nil for an empty gate.
    public var text: String?
    public var width = 640
    public var height = 480
    public var carrier = Carrier.paper
    /// Where the code's centre is, as fractions of the frame's width and height.
    public var centreX = 0.5
    public var centreY = 0.5
    /// Pixels a module at the code's centre (before tilt foreshortens it).
    public var modulePixels = 4.0
    /// Turned in the image plane, and tilted away from the camera about the code's own x and y axes.
    public var rollDegrees = 0.0
    public var tiltXDegrees = 0.0
    public var tiltYDegrees = 0.0
    /// A printout bent round a vertical axis: how far its edges come towards the camera, in modules.
    public var curl = 0.0
    /// Creases in a printout: how far they push modules sideways, in modules.
    public var crumple = 0.0
    /// How busy the background is, 0 (a plain wall) to 1 (posters, railings, a crowd).
    public var clutter = 0.4
    /// A bright window behind the person, in multiples of white paper: auto-exposure darkens for it.
    public var backlight = 0.0
    /// A shadow across the frame (a hand, a cap, the gate's roof): 0 none, 0.8 very dark on one side.
    public var shadow = 0.0
    /// A phone's white, in multiples of white paper (a phone at full brightness is brighter than the room).
    public var screenBrightness = 1.6
    /// Daylight reflected off a phone's glass, evenly, in multiples of white paper: it lifts the blacks.
    public var screenReflection = 0.04
    /// A bright reflection on the glass (a lamp, the sky), peak in multiples of white paper.
    public var glare = 0.0
    /// Gaussian blur of lens and focus, sigma in pixels (0.5 is a good lens in focus).
    public var defocus = 0.6
    /// Motion during the exposure, in pixels, and its direction.
    public var motionPixels = 0.0
    public var motionDegrees = 0.0
    /// Sensor noise, standard deviation in grey levels.
    public var noise = 2.0
    /// MJPEG: the frame goes through libjpeg at this quality (a webcam's MJPEG is about 60–80).
    public var jpegQuality: Int?
    /// A rolling shutter's shear: how far the code has moved, in pixels, between the moments the
    /// top row and the bottom row were read out (a moving code's lower rows are seen later).
    public var shutterShear = (x: 0.0, y: 0.0)
    /// The exposure's gain, fixed; nil for the auto-exposure's own, metered on this frame. A
    /// sequence sets it to follow the metered gain with a webcam's lag (`TicketPresentation`).
    public var gain: Double?
    /// Seeds the sensor's noise apart from the scene: frames of one scene each get their own
    /// noise over the same background. Nil: drawn from `seed`, as a single shot is.
    public var noiseSeed: UInt64?
    public var seed: UInt64 = 1

    public init(text: String?, seed: UInt64 = 1) {
        self.text = text
        self.seed = seed
    }

    // MARK: Drawing

    public func frame() throws -> GreyFrame {
        try exposedFrame().frame
    }

    /// The frame, and the gain the auto-exposure metered on it (what `gain` would be if it were nil).
    public func exposedFrame() throws -> (frame: GreyFrame, meteredGain: Double) {
        var random = SeededRandom(seed: seed)
        var light = background(&random)
        if let text { try drawTicket(QRCode(encoding: text), into: &light, random: &random) }
        light = Self.gaussianBlur(light, width: width, height: height, sigma: defocus)
        if motionPixels > 0.5 { light = motionBlur(light) }
        let metered = meteredGain(light)
        var noise = noiseSeed.map { SeededRandom(seed: $0) } ?? random
        var pixels = expose(light, gain: gain ?? metered, random: &noise)
        if let jpegQuality {
            let size = pixels.withUnsafeMutableBufferPointer { cjpeg_round_trip($0.baseAddress, Int32(width), Int32(height), Int32(jpegQuality)) }
            precondition(size > 0, "libjpeg could not round-trip a \(width)x\(height) frame")
        }
        return (GreyFrame(width: width, height: height, pixels: pixels), metered)
    }

    /// Walls, posters, railings and people's clothes: rectangles, bars and rows of small marks
    /// (the kind of texture that fools a finder-pattern search), under a soft light gradient.
    private func background(_ random: inout SeededRandom) -> [Float] {
        var light = [Float](repeating: 0, count: width * height)
        let tiltOfLight = Float(random.unit() * 0.3)
        for y in 0..<height {
            for x in 0..<width {
                light[y * width + x] = 0.35 + 0.2 * Float(x) / Float(width) - tiltOfLight * Float(y) / Float(height)
            }
        }
        func fill(_ x0: Int, _ y0: Int, _ w: Int, _ h: Int, _ value: Float) {
            let (left, right, top, bottom) = (max(0, x0), min(width, x0 + w), max(0, y0), min(height, y0 + h))
            guard left < right, top < bottom else { return }
            for y in top..<bottom {
                for x in left..<right { light[y * width + x] = value }
            }
        }
        let scale = Double(width) / 640
        let shapes = Int(clutter * 70)
        for _ in 0..<shapes {
            let x = random.int(width), y = random.int(height)
            switch random.int(4) {
            case 0:  // a poster or a coat
                fill(x, y, Int(scale * (10 + random.unit() * 110)), Int(scale * (10 + random.unit() * 110)), Float(0.05 + random.unit() * 0.85))
            case 1:  // railings: parallel bars
                let bar = Int(scale * (2 + random.unit() * 6)), gap = Int(scale * (2 + random.unit() * 10)), length = Int(scale * (30 + random.unit() * 120))
                let value = Float(random.unit() * 0.2)
                let vertical = random.int(2) == 0
                for index in 0..<(3 + random.int(6)) {
                    let offset = index * (bar + gap)
                    if vertical { fill(x + offset, y, bar, length, value) } else { fill(x, y + offset, length, bar, value) }
                }
            case 2:  // printed text: rows of small dark marks on a light patch
                let rows = 2 + random.int(6)
                let patch = Int(scale * (40 + random.unit() * 120))
                fill(x - 3, y - 3, patch + 6, rows * Int(scale * 7) + 6, 0.8)
                for row in 0..<rows {
                    var cursor = x
                    while cursor < x + patch {
                        let mark = Int(scale * (2 + random.unit() * 5))
                        fill(cursor, y + row * Int(scale * 7), mark, Int(scale * 4), 0.08)
                        cursor += mark + Int(scale * (1 + random.unit() * 3))
                    }
                }
            default:  // a checkered or spotted shirt
                let cell = Int(scale * (3 + random.unit() * 9)), cells = 2 + random.int(6)
                let dark = Float(random.unit() * 0.15), bright = Float(0.6 + random.unit() * 0.3)
                for row in 0..<cells {
                    for column in 0..<cells { fill(x + column * cell, y + row * cell, cell, cell, (row + column) % 2 == 0 ? dark : bright) }
                }
            }
        }
        if backlight > 0 {  // a window in the upper part of the frame, away from the ticket
            let windowX = random.int(width / 2), windowWidth = width / 2 + random.int(width / 3)
            fill(windowX, 0, windowWidth, height * 2 / 5, Float(backlight))
        }
        return light
    }

    /// The ticket in the camera's view: inverse mapping from each pixel back to the carrier's plane.
    private func drawTicket(_ code: QRCode, into light: inout [Float], random: inout SeededRandom) {
        let half = Double(code.size) / 2
        let quiet = Double(QRRenderer.quietZone)
        // The carrier's outline in modules, from the code's centre: a printout has a margin and a
        // few lines of text under the code; a phone has a tall screen and a black bezel round it.
        let isPhone = carrier != .paper
        let carrierHalfWidth = half + quiet + (isPhone ? 1.5 : 5)
        let carrierTop = -(half + quiet + (isPhone ? 14 : 4)), carrierBottom = half + quiet + (isPhone ? 22 : 14)
        let bezel = 2.0

        // The camera: focal length about 0.9 of the width (a 58° webcam), the code's centre at
        // the depth where one module spans `modulePixels`, then turned and tilted.
        let focal = 0.9 * Double(width)
        let (cx, cy) = (Double(width) / 2, Double(height) / 2)
        let depth = focal / modulePixels
        let origin = Vector(x: (centreX * Double(width) - cx) * depth / focal, y: (centreY * Double(height) - cy) * depth / focal, z: depth)
        let rotation = Rotation(roll: rollDegrees, tiltX: tiltXDegrees, tiltY: tiltYDegrees)
        let (axisU, axisV) = (rotation.column(0), rotation.column(1))
        let normal = axisU.cross(axisV)

        // Creases: three waves across the paper, each pushing modules sideways and shading them.
        let creases = (0..<3).map { _ in
            (angle: random.unit() * .pi, wavelength: 6 + random.unit() * 12, phase: random.unit() * 2 * .pi)
        }
        let textMarks = (0..<40).map { _ in (random.unit(), random.unit()) }
        let glareCentre = (u: (random.unit() - 0.5) * 2 * half, v: (random.unit() - 0.5) * 2 * half)
        let glareRadius = half * (0.5 + random.unit() * 0.6)
        let darkMode = carrier == .phone(darkMode: true)

        /// Light leaving the carrier at plane point (u, v), or nil off the carrier.
        func radiance(_ u0: Double, _ v0: Double) -> Float? {
            var (u, v) = (u0, v0)
            var shading = 1.0
            if crumple > 0 {
                for crease in creases {
                    let along = u * cos(crease.angle) + v * sin(crease.angle)
                    let wave = sin(2 * .pi * along / crease.wavelength + crease.phase)
                    u += crumple * wave * cos(crease.angle + .pi / 2)
                    v += crumple * wave * sin(crease.angle + .pi / 2)
                    shading += 0.08 * crumple * cos(2 * .pi * along / crease.wavelength + crease.phase)
                }
            }
            let onScreen = abs(u) <= carrierHalfWidth && v >= carrierTop && v <= carrierBottom
            if isPhone {
                let onBezel = abs(u) <= carrierHalfWidth + bezel && v >= carrierTop - bezel && v <= carrierBottom + bezel
                guard onBezel else { return nil }
                var glass = screenReflection
                if glare > 0 {
                    let distance = ((u - glareCentre.u) * (u - glareCentre.u) + (v - glareCentre.v) * (v - glareCentre.v)) / (glareRadius * glareRadius)
                    glass += glare * exp(-distance)
                }
                guard onScreen else { return Float(0.03 + glass) }
                let lit = isDarkAt(u, v) != darkMode  // light-mode dark module, or dark-mode light background
                let emitted = lit ? 0.012 * screenBrightness : screenBrightness
                return Float(emitted * (darkMode ? 0.9 : 1) + glass)
            }
            guard onScreen else { return nil }
            return Float((isDarkAt(u, v) ? 0.07 : 0.85) * shading)
        }

        func isDarkAt(_ u: Double, _ v: Double) -> Bool {
            let column = Int((u + half).rounded(.down)), row = Int((v + half).rounded(.down))
            if column >= 0, row >= 0, column < code.size, row < code.size { return code.isDark(x: column, y: row) }
            // Lines of text under the code (and a title above it on a phone), short marks of ink.
            let below = v - (half + quiet + 1), above = v - carrierTop - 2
            for (lineStart, extent) in [(below, 11.0), (above, isPhone ? 8.0 : 0)] where lineStart >= 0 && lineStart < extent {
                guard lineStart.truncatingRemainder(dividingBy: 3) < 1.4, abs(u) < half else { return false }
                let mark = textMarks[Int(lineStart / 3) * 7 % textMarks.count]
                return (u + half + mark.0 * 3).truncatingRemainder(dividingBy: 2.3 + mark.1) < 1.6
            }
            return false
        }

        /// The plane point seen through pixel (x, y), bent by the curl, or nil when the ray misses.
        func planePoint(_ x: Double, _ y: Double) -> (Double, Double)? {
            let ray = Vector(x: (x - cx) / focal, y: (y - cy) / focal, z: 1)
            let facing = normal.dot(ray)
            guard abs(facing) > 1e-6 else { return nil }
            var bulge = 0.0
            var point = (0.0, 0.0)
            for _ in 0..<(curl > 0 ? 3 : 1) {  // the curl moves the surface along the normal; settle it
                let hit = ray.scaled(normal.dot(origin.plus(normal.scaled(-bulge))) / facing).minus(origin)
                point = (hit.dot(axisU), hit.dot(axisV))
                bulge = curl * (point.0 / carrierHalfWidth) * (point.0 / carrierHalfWidth)
            }
            return point
        }

        // The carrier's corners on the image give the pixels to visit.
        let reach = max(carrierHalfWidth + bezel, carrierBottom + bezel) + curl * 2 + crumple * 2
        var (minX, minY, maxX, maxY) = (Double(width), Double(height), 0.0, 0.0)
        for (u, v) in [(-reach, -reach), (reach, -reach), (-reach, reach), (reach, reach)] {
            let point = origin.plus(axisU.scaled(u)).plus(axisV.scaled(v))
            guard point.z > 0 else { continue }
            let (x, y) = (cx + focal * point.x / point.z, cy + focal * point.y / point.z)
            (minX, minY, maxX, maxY) = (min(minX, x), min(minY, y), max(maxX, x), max(maxY, y))
        }
        // A row read out later sees the code where it had moved to by then.
        let shear = shutterShear
        (minX, maxX) = (minX - abs(shear.x) / 2, maxX + abs(shear.x) / 2)
        (minY, maxY) = (minY - abs(shear.y) / 2, maxY + abs(shear.y) / 2)
        let samples = [-1.0 / 3, 0, 1.0 / 3]
        for y in max(0, Int(minY) - 2)..<min(height, Int(maxY) + 3) {
            let readLate = Double(y) / Double(height) - 0.5
            let (shiftX, shiftY) = (shear.x * readLate, shear.y * readLate)
            for x in max(0, Int(minX) - 2)..<min(width, Int(maxX) + 3) {
                var total: Float = 0
                var hits = 0
                for dy in samples {
                    for dx in samples {
                        guard let (u, v) = planePoint(Double(x) + 0.5 + dx - shiftX, Double(y) + 0.5 + dy - shiftY), let value = radiance(u, v)
                        else { continue }
                        total += value
                        hits += 1
                    }
                }
                guard hits > 0 else { continue }
                let index = y * width + x
                light[index] = (total + light[index] * Float(9 - hits)) / 9
            }
        }
        if shadow > 0 {  // a soft-edged shadow falling across the ticket from one side
            let angle = random.unit() * 2 * .pi
            let (edgeX, edgeY) = (centreX * Double(width), centreY * Double(height))
            for y in 0..<height {
                for x in 0..<width {
                    let side = (Double(x) - edgeX) * cos(angle) + (Double(y) - edgeY) * sin(angle)
                    let darkness = shadow / (1 + exp(-side / (modulePixels * 3)))
                    light[y * width + x] *= Float(1 - darkness)
                }
            }
        }
    }

    private func motionBlur(_ light: [Float]) -> [Float] {
        let steps = Int(motionPixels.rounded(.up))
        let (stepX, stepY) = (cos(motionDegrees * .pi / 180) * motionPixels / Double(steps), sin(motionDegrees * .pi / 180) * motionPixels / Double(steps))
        var blurred = [Float](repeating: 0, count: light.count)
        for step in 0...steps {
            let shiftX = stepX * (Double(step) - Double(steps) / 2), shiftY = stepY * (Double(step) - Double(steps) / 2)
            let (whole, fraction) = (Int(shiftX.rounded(.down)), Float(shiftX - shiftX.rounded(.down)))
            let (wholeY, fractionY) = (Int(shiftY.rounded(.down)), Float(shiftY - shiftY.rounded(.down)))
            for y in 0..<height {
                let y0 = min(height - 1, max(0, y + wholeY)), y1 = min(height - 1, max(0, y + wholeY + 1))
                for x in 0..<width {
                    let x0 = min(width - 1, max(0, x + whole)), x1 = min(width - 1, max(0, x + whole + 1))
                    let top = light[y0 * width + x0] * (1 - fraction) + light[y0 * width + x1] * fraction
                    let bottom = light[y1 * width + x0] * (1 - fraction) + light[y1 * width + x1] * fraction
                    blurred[y * width + x] += (top * (1 - fractionY) + bottom * fractionY) / Float(steps + 1)
                }
            }
        }
        return blurred
    }

    /// The auto-exposure's gain: white paper's mid-grey on the centre-weighted mean.
    private func meteredGain(_ light: [Float]) -> Double {
        var weighted: Float = 0, weights: Float = 0
        for y in stride(from: 0, to: height, by: 4) {
            for x in stride(from: 0, to: width, by: 4) {
                let dx = Float(x - width / 2) / Float(width), dy = Float(y - height / 2) / Float(height)
                let weight = 1 / (1 + 8 * (dx * dx + dy * dy))
                weighted += light[y * width + x] * weight
                weights += weight
            }
        }
        return Double(min(4, max(0.2, 0.18 / max(weighted / weights, 0.001))))
    }

    /// Exposure at `gain`, then clipping, the sensor's noise, gamma and 8 bits.
    private func expose(_ light: [Float], gain: Double, random: inout SeededRandom) -> [UInt8] {
        let gain = Float(gain)
        var pixels = [UInt8](repeating: 0, count: light.count)
        for index in light.indices {
            let exposed = min(1, max(0, light[index] * gain))
            let grey = 255 * pow(Double(exposed), 1 / 2.2)
            pixels[index] = UInt8(clamping: Int((grey + noise * random.gaussian()).rounded()))
        }
        return pixels
    }

    static func gaussianBlur(_ light: [Float], width: Int, height: Int, sigma: Double) -> [Float] {
        guard sigma > 0.2 else { return light }
        let radius = Int((sigma * 3).rounded(.up))
        var kernel = (-radius...radius).map { Float(exp(-Double($0 * $0) / (2 * sigma * sigma))) }
        let sum = kernel.reduce(0, +)
        kernel = kernel.map { $0 / sum }
        var across = [Float](repeating: 0, count: light.count)
        for y in 0..<height {
            for x in 0..<width {
                var total: Float = 0
                for (offset, weight) in kernel.enumerated() { total += light[y * width + min(width - 1, max(0, x + offset - radius))] * weight }
                across[y * width + x] = total
            }
        }
        var blurred = [Float](repeating: 0, count: light.count)
        for y in 0..<height {
            for x in 0..<width {
                var total: Float = 0
                for (offset, weight) in kernel.enumerated() { total += across[min(height - 1, max(0, y + offset - radius)) * width + x] * weight }
                blurred[y * width + x] = total
            }
        }
        return blurred
    }
}

private struct Vector {
    var x, y, z: Double
    func dot(_ other: Vector) -> Double { x * other.x + y * other.y + z * other.z }
    func cross(_ other: Vector) -> Vector { Vector(x: y * other.z - z * other.y, y: z * other.x - x * other.z, z: x * other.y - y * other.x) }
    func scaled(_ factor: Double) -> Vector { Vector(x: x * factor, y: y * factor, z: z * factor) }
    func plus(_ other: Vector) -> Vector { Vector(x: x + other.x, y: y + other.y, z: z + other.z) }
    func minus(_ other: Vector) -> Vector { Vector(x: x - other.x, y: y - other.y, z: z - other.z) }
}

/// Roll about the camera's axis after tilting about the code's own x and y axes.
private struct Rotation {
    let rows: [[Double]]

    init(roll: Double, tiltX: Double, tiltY: Double) {
        let (r, a, b) = (roll * .pi / 180, tiltX * .pi / 180, tiltY * .pi / 180)
        let rollMatrix = [[cos(r), -sin(r), 0], [sin(r), cos(r), 0], [0, 0, 1.0]]
        let tiltAboutX = [[1, 0, 0], [0, cos(a), -sin(a)], [0, sin(a), cos(a)]]
        let tiltAboutY = [[cos(b), 0, sin(b)], [0, 1, 0], [-sin(b), 0, cos(b)]]
        rows = Self.product(rollMatrix, Self.product(tiltAboutX, tiltAboutY))
    }

    func column(_ index: Int) -> Vector { Vector(x: rows[0][index], y: rows[1][index], z: rows[2][index]) }

    private static func product(_ left: [[Double]], _ right: [[Double]]) -> [[Double]] {
        (0..<3).map { row in (0..<3).map { column in (0..<3).reduce(0) { $0 + left[row][$1] * right[$1][column] } } }
    }
}

extension SeededRandom {
    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    /// Uniform in 0..<bound.
    public mutating func int(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    /// Standard normal (Box–Muller).
    public mutating func gaussian() -> Double {
        let u1 = max(unit(), 1e-12), u2 = unit()
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
}

extension CameraShot {
    /// The same scene through a camera of another resolution with the same vertical field of
    /// view, as webcams with a 16:9 sensor have (their 4:3 modes crop its sides): modules, blur
    /// and motion scale with the height, and a wider frame shows more on either side.
    public func at(width: Int, height: Int) -> CameraShot {
        var shot = self
        let factor = Double(height) / Double(self.height)
        shot.width = width
        shot.height = height
        shot.centreX = 0.5 + (centreX - 0.5) * Double(self.width) * factor / Double(width)
        shot.modulePixels *= factor
        shot.defocus *= factor
        shot.motionPixels *= factor
        return shot.keptInView()
    }

    /// The whole code in view, quiet zone and all, even turned on end or on the side a tilt
    /// brings closer: a ticket half out of the frame is for the screen's "closer"/"move" hints,
    /// not a read.
    func keptInView() -> CameraShot {
        var shot = self
        let reach = codeReach
        let (width, height) = (Double(width), Double(height))
        // One too large for the frame is held in its middle, as far in view as it can be.
        shot.centreX = reach < width / 2 ? min(max(centreX, reach / width), 1 - reach / width) : 0.5
        shot.centreY = reach < height / 2 ? min(max(centreY, reach / height), 1 - reach / height) : 0.5
        return shot
    }

    /// Half the side of the code with its quiet zone (57 modules at the tickets' version) as it
    /// lies in the frame, turned and tilted, in pixels.
    var codeReach: Double {
        let roll = rollDegrees * .pi / 180
        let tilt = max(abs(tiltXDegrees), abs(tiltYDegrees)) * .pi / 180
        return 0.5 * 57 * modulePixels * (abs(cos(roll)) + abs(sin(roll))) * (1 + 0.5 * sin(tilt))
    }

    /// Whether the whole code, quiet zone and all, is in the frame.
    public var codeWholeInView: Bool {
        let reach = codeReach
        let (x, y) = (centreX * Double(width), centreY * Double(height))
        return x - reach >= 0 && x + reach <= Double(width) && y - reach >= 0 && y + reach <= Double(height)
    }
}
