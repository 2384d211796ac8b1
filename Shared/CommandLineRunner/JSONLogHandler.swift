import Foundation
import Logging
import Shared
import Synchronization

/// swift-log to one JSON object per line on standard error, for shipping logs to a collector:
/// `{"time":"2026-11-21T12:00:00.123Z","level":"info","label":"ticket-server","message":"…",…metadata}`.
/// Metadata keys sit beside the fixed ones; a key that would shadow one is prefixed `meta_`.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String

    /// One line at a time from every thread, so lines never interleave.
    private static let output = Mutex(())
    private static let fixedKeys: Set<String> = ["time", "level", "label", "message", "source", "error"]

    public init(label: String, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        var fields: [(String, JSONValue)] = [
            ("time", .string(Self.timestamp())), ("level", .string(event.level.rawValue)), ("label", .string(label)),
            ("message", .string(event.message.description)),
        ]
        if let error = event.error { fields.append(("error", .string(String(describing: error)))) }
        for key in merged.keys.sorted() {
            fields.append((Self.fixedKeys.contains(key) ? "meta_\(key)" : key, Self.json(merged[key]!)))
        }
        let line = JSONValue.object(fields).description + "\n"
        Self.output.withLock { _ in FileHandle.standardError.write(Data(line.utf8)) }
    }

    private static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let convertible): .string(convertible.description)
        case .array(let values): .array(values.map(json))
        case .dictionary(let values): .object(values.keys.sorted().map { ($0, json(values[$0]!)) })
        }
    }

    private static func timestamp() -> String {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        var parts = tm()
        var seconds = time.tv_sec
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour,
            parts.tm_min, parts.tm_sec, time.tv_nsec / 1_000_000)
    }
}
