import Foundation
import SystemPackage

/// The kiosk's terminal: raw keyboard input, the alternate screen, its size. `restore()` puts
/// it back as it was, which `deinit` also does, so a crash in the UI never leaves the gate's
/// console unusable.
///
/// Not thread-safe: the screen service owns it.
public final class Terminal {
    private var saved = termios()
    private var raw = false
    /// Keys come from the controlling terminal, not standard input: with `--source -` standard
    /// input is the video.
    private let input: Int32
    private let output = STDOUT_FILENO

    public init() {
        let tty = open("/dev/tty", O_RDONLY | O_CLOEXEC)
        input = tty >= 0 ? tty : STDIN_FILENO
    }

    deinit {
        restore()
        if input != STDIN_FILENO { close(input) }
    }

    /// Whether there is a terminal to draw on and to type into.
    public static var isInteractive: Bool {
        guard isatty(STDOUT_FILENO) == 1 else { return false }
        let tty = open("/dev/tty", O_RDONLY | O_CLOEXEC)
        guard tty >= 0 else { return false }
        close(tty)
        return true
    }

    /// Keys arrive one at a time without echo; Ctrl-C still sends SIGINT (graceful shutdown).
    /// The corresponding C calls are `tcgetattr` and `tcsetattr`.
    public func enterFullScreen() {
        if tcgetattr(input, &saved) == 0 {
            var settings = saved
            settings.c_lflag &= ~tcflag_t(ICANON | ECHO)
            settings.c_cc.6 = 0  // VMIN: reads return at once
            settings.c_cc.5 = 0  // VTIME
            raw = tcsetattr(input, TCSANOW, &settings) == 0
        }
        write("\u{1B}[?1049h\u{1B}[?25l")  // alternate screen, cursor hidden
    }

    public func restore() {
        write("\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l")
        if raw {
            tcsetattr(input, TCSANOW, &saved)
            raw = false
        }
    }

    /// Columns and rows; 80x24 when the terminal will not say. The corresponding C call is
    /// `ioctl(TIOCGWINSZ)`.
    public var size: (columns: Int, rows: Int) {
        var window = winsize()
        guard ioctl(output, UInt(TIOCGWINSZ), &window) == 0, window.ws_col > 0, window.ws_row > 0 else { return (80, 24) }
        return (Int(window.ws_col), Int(window.ws_row))
    }

    /// Waits up to `milliseconds` for input and returns the bytes that came (empty on timeout).
    public func readKeys(waitingUpTo milliseconds: Int32) -> [UInt8] {
        var pending = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
        guard poll(&pending, 1, milliseconds) > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: 64)
        let count = (try? bytes.withUnsafeMutableBytes { try FileDescriptor(rawValue: input).read(into: $0) }) ?? 0
        return Array(bytes.prefix(count))
    }

    /// Writes all of `text`; a terminal that went away (the gate's console closed) is not worth
    /// stopping the gate for, so a failure is dropped.
    public func write(_ text: String) {
        _ = try? FileDescriptor(rawValue: output).writeAll(text.utf8)
    }
}
