import ArgumentParser
import Logging

/// `--log-format text|json` and `--log-level`, the same for both programs' long-running commands.
public struct LogOptions: ParsableArguments {
    public enum Format: String, ExpressibleByArgument, CaseIterable, Sendable {
        /// One readable line per message on standard error.
        case text
        /// One JSON object per line on standard error (`JSONLogHandler`), for a log collector.
        case json
    }

    @Option(help: "How log lines are written to standard error: text or json (one object per line).")
    public var logFormat: Format = .text
    @Option(help: ArgumentHelp("The least severe messages logged: trace, debug, info, notice, warning, error or critical.", valueName: "level"))
    public var logLevel: String = "info"

    public init() {}

    public func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical; not '\(logLevel)'")
        }
    }

    /// Sets up swift-log for the whole process (once, before the first logger) and returns the
    /// program's logger.
    public func bootstrap(label: String) -> Logger {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        switch logFormat {
        case .text:
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        case .json:
            LoggingSystem.bootstrap { label in
                var handler = JSONLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
        }
        return Logger(label: label)
    }
}
