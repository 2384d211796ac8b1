import Shared

/// A sale its organisers paused, as the festival this project replaces once had to by hand: every
/// booking is refused with the notice meanwhile, the waiting room keeps every place, and turns
/// do not run out (each is extended by the pause's length when the sale resumes).
public struct SalePause: Sendable, Equatable {
    public let pausedAt: Int64
    public let notice: SaleNotice
    /// When the sale resumes by itself; nil until an organiser resumes it.
    public let resumeAt: Int64?

    init(row: SQLiteRow) throws {
        pausedAt = try row["paused_at"]
        notice = SaleNotice(ko: try row["notice_ko"], en: try row["notice_en"])
        resumeAt = try row["resume_at"]
    }

    /// Whether the sale is still paused at `now`.
    func isActive(at now: Int64) -> Bool {
        resumeAt.map { now < $0 } ?? true
    }
}

/// The words shown while a sale is paused, in each language the pages speak.
public struct SaleNotice: Sendable, Equatable, Codable {
    public let ko: String
    public let en: String

    /// The notice in `language`.
    func text(_ language: Language) -> String {
        switch language {
        case .ko: ko
        case .en: en
        }
    }

    var json: JSONValue { .object([("ko", .string(ko)), ("en", .string(en))]) }

    /// A notice as organisers send it: at least one language, each at most 500 bytes of
    /// printable text; one given alone stands for both.
    static func validated(ko: String?, en: String?) throws -> SaleNotice {
        let ko = try ko.map { try InputRules.text($0, field: "notice.ko", maxBytes: 500) }
        let en = try en.map { try InputRules.text($0, field: "notice.en", maxBytes: 500) }
        guard let any = ko ?? en else {
            throw APIError(.unprocessableContent, "invalid_notice", "notice needs the words to show, in ko, en or both")
        }
        return SaleNotice(ko: ko ?? any, en: en ?? any)
    }
}

/// Pausing and resuming, in the writer's transaction.
enum SalePauses {
    static func pause(_ event: Event, notice: SaleNotice, now: Int64, in transaction: WriteTransaction) throws {
        try transaction.run(
            """
            INSERT INTO sale_pause (event_id, paused_at, notice_ko, notice_en, resume_at) VALUES (?, ?, ?, ?, NULL)
            ON CONFLICT (event_id) DO UPDATE SET notice_ko = excluded.notice_ko, notice_en = excluded.notice_en, resume_at = NULL
            """, event.id, now, notice.ko, notice.en)
        try ChangeLog.append(.salePaused, eventID: event.id, at: now, detail: .object([("notice", notice.json)]), in: transaction)
    }

    /// Resumes now, or sets when the sale resumes by itself (`at` later than now).
    static func resume(_ event: Event, at: Int64?, now: Int64, in transaction: WriteTransaction) throws {
        guard let pause = event.pause else { throw EventError.notPaused }
        if let at, at > now {
            try transaction.run("UPDATE sale_pause SET resume_at = ? WHERE event_id = ?", at, event.id)
            try ChangeLog.append(.saleResumed, eventID: event.id, at: now, detail: .object([("at", .integer(at))]), in: transaction)
            return
        }
        try finish(pause, eventID: event.id, at: now, in: transaction)
        try ChangeLog.append(.saleResumed, eventID: event.id, at: now, detail: .object([("at", .integer(now))]), in: transaction)
    }

    /// Ends a pause that ran until `end`: every turn held through it gets its length back.
    static func finish(_ pause: SalePause, eventID: UInt32, at end: Int64, in transaction: WriteTransaction) throws {
        try transaction.run(
            "UPDATE queue_entry SET turn_ends_at = turn_ends_at + ? WHERE event_id = ? AND status = 'turn'",
            max(0, end - pause.pausedAt), eventID)
        try transaction.run("DELETE FROM sale_pause WHERE event_id = ?", eventID)
    }
}
