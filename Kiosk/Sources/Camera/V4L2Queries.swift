import CV4L2
import Foundation

/// What a V4L2 device says about itself: its name, the modes it streams and its controls. The
/// kernel's own ioctls, not libv4l2's: these are the camera's native formats and controls, not
/// the ones libv4l2 emulates on top.
enum V4L2Queries {
    /// Driver, card and bus, from VIDIOC_QUERYCAP.
    static func identity(_ descriptor: Int32) -> (card: String, driver: String, bus: String) {
        var capability = v4l2_capability()
        guard plain(descriptor, cv4l2_vidioc_querycap, &capability) else { return ("", "", "") }
        return (text(capability.card), text(capability.driver), text(capability.bus_info))
    }

    /// Every format, size and fastest rate the camera streams: VIDIOC_ENUM_FMT, then
    /// VIDIOC_ENUM_FRAMESIZES and VIDIOC_ENUM_FRAMEINTERVALS for each. A camera with ranges of
    /// sizes (not UVC webcams, which list them) is offered at the kiosk's preferred sizes within.
    static func modes(_ descriptor: Int32) -> [CameraMode] {
        var modes: [CameraMode] = []
        for formatIndex in 0..<64 {
            var format = v4l2_fmtdesc()
            format.index = UInt32(formatIndex)
            format.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
            guard plain(descriptor, cv4l2_vidioc_enum_fmt, &format) else { break }
            let name = CameraMode.fourCharacters(format.pixelformat)
            for (width, height) in sizes(descriptor, format.pixelformat) {
                let rate = fastestRate(descriptor, format.pixelformat, width, height)
                modes.append(CameraMode(pixelFormat: name, width: width, height: height, framesPerSecond: rate))
            }
        }
        return modes
    }

    private static func sizes(_ descriptor: Int32, _ pixelFormat: UInt32) -> [(Int, Int)] {
        var sizes: [(Int, Int)] = []
        for index in 0..<256 {
            var size = v4l2_frmsizeenum()
            size.index = UInt32(index)
            size.pixel_format = pixelFormat
            guard plain(descriptor, cv4l2_vidioc_enum_framesizes, &size) else { break }
            if size.type == V4L2_FRMSIZE_TYPE_DISCRETE.rawValue {
                sizes.append((Int(size.discrete.width), Int(size.discrete.height)))
                continue
            }
            // Stepwise or continuous: one answer covers every size in the range.
            let range = size.stepwise
            for (width, height) in CameraMode.preferredSizes
            where (Int(range.min_width)...Int(max(range.min_width, range.max_width))).contains(width)
                && (Int(range.min_height)...Int(max(range.min_height, range.max_height))).contains(height)
                && (width - Int(range.min_width)) % max(1, Int(range.step_width)) == 0
                && (height - Int(range.min_height)) % max(1, Int(range.step_height)) == 0
            {
                sizes.append((width, height))
            }
            break
        }
        return sizes
    }

    /// Frames a second at the shortest interval offered; 0 if the camera does not say.
    private static func fastestRate(_ descriptor: Int32, _ pixelFormat: UInt32, _ width: Int, _ height: Int) -> Double {
        var fastest = 0.0
        for index in 0..<64 {
            var interval = v4l2_frmivalenum()
            interval.index = UInt32(index)
            interval.pixel_format = pixelFormat
            interval.width = UInt32(width)
            interval.height = UInt32(height)
            guard plain(descriptor, cv4l2_vidioc_enum_frameintervals, &interval) else { break }
            let shortest = interval.type == V4L2_FRMIVAL_TYPE_DISCRETE.rawValue ? interval.discrete : interval.stepwise.min
            if shortest.numerator > 0 { fastest = max(fastest, Double(shortest.denominator) / Double(shortest.numerator)) }
            if interval.type != V4L2_FRMIVAL_TYPE_DISCRETE.rawValue { break }
        }
        return (fastest * 100).rounded() / 100
    }

    /// Every control, with its current value: VIDIOC_QUERYCTRL with V4L2_CTRL_FLAG_NEXT_CTRL,
    /// VIDIOC_QUERYMENU for a menu's entries and VIDIOC_G_CTRL for the value.
    static func controls(_ descriptor: Int32) -> [CameraControl] {
        var controls: [CameraControl] = []
        var query = v4l2_queryctrl()
        query.id = cv4l2_ctrl_flag_next_ctrl
        while plain(descriptor, cv4l2_vidioc_queryctrl, &query), controls.count < 256 {
            defer { query.id |= cv4l2_ctrl_flag_next_ctrl }
            // A class is a heading ("Camera Controls"), not a control.
            if query.type == V4L2_CTRL_TYPE_CTRL_CLASS.rawValue { continue }
            let kind: CameraControl.Kind =
                switch query.type {
                case V4L2_CTRL_TYPE_INTEGER.rawValue: .integer
                case V4L2_CTRL_TYPE_BOOLEAN.rawValue: .boolean
                case V4L2_CTRL_TYPE_MENU.rawValue: .menu
                case V4L2_CTRL_TYPE_BUTTON.rawValue: .button
                default: .other
                }
            var value: Int?
            if kind != .button, query.flags & UInt32(V4L2_CTRL_FLAG_WRITE_ONLY) == 0 {
                var current = v4l2_control(id: query.id, value: 0)
                if plain(descriptor, cv4l2_vidioc_g_ctrl, &current) { value = Int(current.value) }
            }
            var menu: [CameraControl.MenuEntry] = []
            if kind == .menu, query.minimum <= query.maximum {
                for entry in query.minimum...min(query.maximum, query.minimum + 63) {
                    var item = v4l2_querymenu()
                    item.id = query.id
                    item.index = UInt32(entry)
                    if plain(descriptor, cv4l2_vidioc_querymenu, &item) { menu.append(CameraControl.MenuEntry(Int(entry), text(item.name))) }
                }
            }
            let inactiveFlags = UInt32(V4L2_CTRL_FLAG_DISABLED | V4L2_CTRL_FLAG_READ_ONLY | V4L2_CTRL_FLAG_INACTIVE)
            controls.append(CameraControl(
                id: query.id, name: text(query.name), kind: kind, minimum: Int(query.minimum), maximum: Int(query.maximum),
                step: Int(query.step), defaultValue: Int(query.default_value), value: value, menu: menu,
                inactive: query.flags & inactiveFlags != 0))
        }
        return controls
    }

    /// Sets one control. False with errno set when the camera refuses.
    static func set(_ descriptor: Int32, _ setting: ControlSetting) -> Bool {
        var control = v4l2_control(id: setting.id, value: Int32(clamping: setting.value))
        return plain(descriptor, cv4l2_vidioc_s_ctrl, &control)
    }

    /// Asks for `framesPerSecond` (VIDIOC_S_PARM through libv4l2, which also picks its source
    /// format by the rate); returns the rate the driver settled on, or nil if it cannot say.
    static func setRate(_ descriptor: Int32, _ framesPerSecond: Int) -> Double? {
        var parameters = v4l2_streamparm()
        parameters.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        parameters.parm.capture.timeperframe = v4l2_fract(numerator: 1, denominator: UInt32(framesPerSecond))
        let done = retryingOnInterrupt { withUnsafeMutablePointer(to: &parameters) { cv4l2_ioctl(descriptor, cv4l2_vidioc_s_parm, $0) } }
        let settled = parameters.parm.capture.timeperframe
        guard done != -1, settled.numerator > 0 else { return nil }
        return Double(settled.denominator) / Double(settled.numerator)
    }

    /// One of the kernel's ioctls, retried on EINTR. True on success; errno says why not.
    static func plain<Argument>(_ descriptor: Int32, _ request: UInt, _ argument: inout Argument) -> Bool {
        retryingOnInterrupt { withUnsafeMutablePointer(to: &argument) { cv4l2_plain_ioctl(descriptor, request, $0) } } != -1
    }

    /// A fixed-size C string field (imported as a tuple of bytes) up to its first NUL.
    static func text<Bytes>(_ field: Bytes) -> String {
        withUnsafeBytes(of: field) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
