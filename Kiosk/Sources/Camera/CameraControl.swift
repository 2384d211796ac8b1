import CV4L2
import Foundation

/// One of a camera's adjustable controls (exposure, gain, focus, …), as V4L2 describes it.
public struct CameraControl: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case integer, boolean, menu, button, other
    }

    /// One choice of a menu control: its value and the camera's label for it.
    public struct MenuEntry: Sendable, Equatable {
        public var value: Int
        public var label: String

        public init(_ value: Int, _ label: String) { (self.value, self.label) = (value, label) }
    }

    public var id: UInt32
    /// The camera's own name ("Exposure, Auto").
    public var name: String
    public var kind: Kind
    public var minimum: Int
    public var maximum: Int
    public var step: Int
    public var defaultValue: Int
    /// Nil when it cannot be read (a button, or a control the camera refuses to report).
    public var value: Int?
    /// For a menu: each value with its label.
    public var menu: [MenuEntry]
    /// Disabled, or read-only, or set automatically at the moment (the exposure time while
    /// exposure is automatic).
    public var inactive: Bool

    public init(
        id: UInt32, name: String, kind: Kind, minimum: Int, maximum: Int, step: Int, defaultValue: Int, value: Int?,
        menu: [MenuEntry] = [], inactive: Bool = false
    ) {
        (self.id, self.name, self.kind, self.minimum, self.maximum) = (id, name, kind, minimum, maximum)
        (self.step, self.defaultValue, self.value, self.menu, self.inactive) = (step, defaultValue, value, menu, inactive)
    }

    /// The name as `v4l2-ctl` and `gate-kiosk run --camera-control` spell it: "exposure_auto".
    public var key: String { Self.key(for: name) }

    static func key(for name: String) -> String {
        var key = ""
        for character in name.lowercased() {
            if character.isLetter || character.isNumber {
                key.append(character)
            } else if !key.isEmpty, key.last != "_" {
                key.append("_")
            }
        }
        return key.hasSuffix("_") ? String(key.dropLast()) : key
    }
}

/// A value to give a control, and why.
public struct ControlSetting: Sendable, Equatable, CustomStringConvertible {
    public var id: UInt32
    public var key: String
    public var value: Int
    public var reason: String

    public var description: String { "\(key)=\(value) (\(reason))" }
}

/// What went wrong with a `--camera-control NAME=VALUE`: said before the camera streams.
public enum ControlSettingError: Error, Equatable, CustomStringConvertible {
    case malformed(String)
    case unknown(name: String, known: [String])
    case outOfRange(name: String, value: Int, minimum: Int, maximum: Int)

    public var description: String {
        switch self {
        case .malformed(let text): "--camera-control takes NAME=VALUE, such as focus_auto=1, not '\(text)'"
        case .unknown(let name, let known):
            "this camera has no control '\(name)'" + (known.isEmpty ? "" : "; it has \(known.joined(separator: ", "))")
        case .outOfRange(let name, let value, let minimum, let maximum): "\(name) takes \(minimum) to \(maximum), not \(value)"
        }
    }
}

extension CameraControl {
    /// What a gate wants of any camera that has these controls. Automatic exposure, gain,
    /// white balance and focus follow the light and the distance, which change all day at a
    /// gate; and the camera must not slow its frame rate in dim light to expose longer (the
    /// default of most webcams), which halves the frames and doubles the motion blur.
    public static func kioskSettings(for controls: [CameraControl]) -> [ControlSetting] {
        var settings: [ControlSetting] = []
        func set(_ id: UInt32, to value: Int, _ reason: String) {
            guard let control = controls.first(where: { $0.id == id }), control.kind != .button,
                control.kind != .menu || control.menu.contains(where: { $0.value == value }),
                (control.minimum...max(control.minimum, control.maximum)).contains(value), control.value != value
            else { return }
            settings.append(ControlSetting(id: id, key: control.key, value: value, reason: reason))
        }
        set(UInt32(V4L2_CID_EXPOSURE_AUTO), to: Int(V4L2_EXPOSURE_APERTURE_PRIORITY.rawValue), "automatic exposure")
        set(UInt32(V4L2_CID_EXPOSURE_AUTO_PRIORITY), to: 0, "keep 30 fps in dim light")
        set(UInt32(V4L2_CID_AUTOGAIN), to: 1, "automatic gain")
        set(UInt32(V4L2_CID_AUTO_WHITE_BALANCE), to: 1, "automatic white balance")
        set(UInt32(V4L2_CID_FOCUS_AUTO), to: 1, "autofocus: phones are held at any distance")
        return settings
    }

    /// Staff's own `NAME=VALUE` settings, checked against the camera's controls.
    public static func settings(_ requests: [String], for controls: [CameraControl]) throws(ControlSettingError) -> [ControlSetting] {
        try requests.map { (request: String) throws(ControlSettingError) -> ControlSetting in
            let parts = request.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, let value = Int(parts[1].trimmingCharacters(in: .whitespaces)) else {
                throw .malformed(request)
            }
            let key = CameraControl.key(for: parts[0])
            guard let control = controls.first(where: { $0.key == key }) else {
                throw .unknown(name: parts[0], known: controls.map(\.key))
            }
            guard control.kind == .boolean || control.kind == .menu || (control.minimum...max(control.minimum, control.maximum)).contains(value),
                control.kind != .boolean || value == 0 || value == 1,
                control.kind != .menu || control.menu.contains(where: { $0.value == value })
            else {
                throw .outOfRange(name: key, value: value, minimum: control.kind == .boolean ? 0 : control.minimum, maximum: control.kind == .boolean ? 1 : control.maximum)
            }
            return ControlSetting(id: control.id, key: key, value: value, reason: "--camera-control")
        }
    }
}
