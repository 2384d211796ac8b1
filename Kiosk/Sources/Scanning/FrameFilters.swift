/// A rectangle of a frame, in pixels.
public struct PixelRegion: Sendable, Equatable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        (self.x, self.y, self.width, self.height) = (x, y, width, height)
    }

    /// The square of half-side `reach` round (`centreX`, `centreY`), cut to a `width`×`height` frame.
    init(centreX: Double, centreY: Double, reach: Double, inFrameOf width: Int, height: Int) {
        let left = max(0, Int(centreX - reach)), top = max(0, Int(centreY - reach))
        let right = min(width, Int(centreX + reach)), bottom = min(height, Int(centreY + reach))
        self.init(x: left, y: top, width: max(0, right - left), height: max(0, bottom - top))
    }

    /// A `width`×`height` window (no larger than the frame) round (`centreX`, `centreY`), moved
    /// rather than cut where it would cross the edge of a `frameWidth`×`frameHeight` frame: the
    /// part of a large frame the reader looks at in full resolution (`CodeReader`).
    public init(centreX: Double, centreY: Double, width: Int, height: Int, inFrameOf frameWidth: Int, frameHeight: Int) {
        let (width, height) = (max(0, min(width, frameWidth)), max(0, min(height, frameHeight)))
        // A centre that is no number is the frame's middle; clamped first, so no conversion traps.
        let x = centreX.isFinite ? Int(min(max(centreX, 0), Double(frameWidth))) : frameWidth / 2
        let y = centreY.isFinite ? Int(min(max(centreY, 0), Double(frameHeight))) : frameHeight / 2
        self.init(
            x: min(max(0, x - width / 2), frameWidth - width), y: min(max(0, y - height / 2), frameHeight - height), width: width,
            height: height)
    }

    /// The same region in a frame reduced `factor` times.
    func reduced(by factor: Int) -> PixelRegion {
        PixelRegion(x: x / factor, y: y / factor, width: width / factor, height: height / factor)
    }
}

/// The image filters of the later decoding passes. Each returns a new frame; the camera's
/// buffer is never changed.
extension GreyFrame {
    public func cropped(to region: PixelRegion) -> GreyFrame {
        var pixels = [UInt8](repeating: 0, count: region.width * region.height)
        self.pixels.withUnsafeBufferPointer { source in
            pixels.withUnsafeMutableBufferPointer { target in
                for row in 0..<region.height {
                    let from = (region.y + row) * width + region.x
                    for column in 0..<region.width { target[row * region.width + column] = source[from + column] }
                }
            }
        }
        return GreyFrame(width: region.width, height: region.height, pixels: pixels)
    }

    /// Light for dark: a dark-mode screen's code becomes an ordinary one.
    public func inverted() -> GreyFrame {
        GreyFrame(width: width, height: height, pixels: pixels.map { 255 - $0 })
    }

    /// The sensor noise's standard deviation, roughly, in grey levels: the median difference
    /// between neighbouring pixels along every eighth row. Edges are few among a frame's
    /// pixels, so the median is the noise's (the difference of two pixels under noise of σ has
    /// a median of 0.95 σ). Every eighth row: 19,000 differences in a 640x480 frame.
    func noiseLevel() -> Int {
        guard width > 1 else { return 0 }
        var counts = [Int](repeating: 0, count: 256)
        var total = 0
        pixels.withUnsafeBufferPointer { pixels in
            for row in stride(from: 0, to: height * width, by: 8 * width) {
                for x in row..<(row + width - 1) { counts[abs(Int(pixels[x]) - Int(pixels[x + 1]))] += 1 }
                total += width - 1
            }
        }
        var seen = 0
        for (level, count) in counts.enumerated() {
            seen += count
            if 2 * seen >= total { return level }
        }
        return 0
    }

    /// Each pixel the mean of its 3×3 neighbourhood: sensor noise averages out, while modules
    /// of 3 pixels or more keep their edges (the decoders find edges, and noise makes false ones).
    public func denoised() -> GreyFrame {
        guard width > 2, height > 2 else { return self }
        var smoothed = pixels
        pixels.withUnsafeBufferPointer { source in
            smoothed.withUnsafeMutableBufferPointer { target in
                for y in 1..<(height - 1) {
                    for x in 1..<(width - 1) {
                        let above = (y - 1) * width + x, here = y * width + x, below = (y + 1) * width + x
                        var sum = Int(source[above - 1]) + Int(source[above]) + Int(source[above + 1])
                        sum += Int(source[here - 1]) + Int(source[here]) + Int(source[here + 1])
                        sum += Int(source[below - 1]) + Int(source[below]) + Int(source[below + 1])
                        target[here] = UInt8(truncatingIfNeeded: (sum * 7_282) >> 16)  // sum / 9
                    }
                }
            }
        }
        return GreyFrame(width: width, height: height, pixels: smoothed)
    }

    /// Twice the size, bilinear: modules of 2 pixels become 4, which zbar's edge finder needs.
    public func upscaled() -> GreyFrame {
        let (wide, tall) = (width * 2, height * 2)
        var scaled = [UInt8](repeating: 0, count: wide * tall)
        pixels.withUnsafeBufferPointer { source in
            scaled.withUnsafeMutableBufferPointer { target in
                for y in 0..<tall {
                    // Output pixel centres sit at quarter positions between the input's.
                    let row = max(0, y - 1) / 2, next = min(height - 1, row + 1), lower = y % 2 == 1 || y == 0 ? 1 : 3
                    for x in 0..<wide {
                        let column = max(0, x - 1) / 2, right = min(width - 1, column + 1), leftWeight = x % 2 == 1 || x == 0 ? 3 : 1
                        let top = Int(source[row * width + column]) * leftWeight + Int(source[row * width + right]) * (4 - leftWeight)
                        let bottom = Int(source[next * width + column]) * leftWeight + Int(source[next * width + right]) * (4 - leftWeight)
                        target[y * wide + x] = UInt8(truncatingIfNeeded: (top * (4 - lower) + bottom * lower + 8) >> 4)
                    }
                }
            }
        }
        return GreyFrame(width: wide, height: tall, pixels: scaled)
    }

    /// Half the size, each pixel the mean of four: a code of large modules becomes one the
    /// finder search's window and the decoders' binarisers can take whole, at a quarter the cost.
    public func halved() -> GreyFrame {
        let (narrow, short) = (width / 2, height / 2)
        guard narrow > 0, short > 0 else { return GreyFrame(width: narrow, height: short, pixels: []) }
        var reduced = [UInt8](repeating: 0, count: narrow * short)
        pixels.withUnsafeBufferPointer { source in
            reduced.withUnsafeMutableBufferPointer { target in
                let (bytes, out) = (UnsafeRawPointer(source.baseAddress!), UnsafeMutableRawPointer(target.baseAddress!))
                for y in 0..<short {
                    let top = 2 * y * width, bottom = top + width
                    // Eight outputs from sixteen pixels of each row at a time: read as eight
                    // 16-bit lanes, a lane's low byte is the left pixel of a pair, its high the right.
                    var x = 0
                    while x + 8 <= narrow {
                        let upper = bytes.loadUnaligned(fromByteOffset: top + 2 * x, as: SIMD8<UInt16>.self)
                        let lower = bytes.loadUnaligned(fromByteOffset: bottom + 2 * x, as: SIMD8<UInt16>.self)
                        let sums = (upper & 255) &+ (upper &>> 8) &+ (lower & 255) &+ (lower &>> 8) &+ 2
                        out.storeBytes(of: SIMD8<UInt8>(truncatingIfNeeded: sums &>> 2), toByteOffset: y * narrow + x, as: SIMD8<UInt8>.self)
                        x += 8
                    }
                    while x < narrow {
                        let sum = Int(source[top + 2 * x]) + Int(source[top + 2 * x + 1]) + Int(source[bottom + 2 * x]) + Int(source[bottom + 2 * x + 1])
                        target[y * narrow + x] = UInt8(truncatingIfNeeded: (sum + 2) >> 2)
                        x += 1
                    }
                }
            }
        }
        return GreyFrame(width: narrow, height: short, pixels: reduced)
    }
}
