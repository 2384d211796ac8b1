import Shared

/// The server's schema, as numbered migrations. Never edit one that has shipped: add the next.
enum ServerSchema {
    static let migrator = SQLiteMigrator([
        .init(
            "accounts and sessions",
            sql: """
                CREATE TABLE account (
                    id INTEGER PRIMARY KEY,
                    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
                    display_name TEXT NOT NULL,
                    password_hash TEXT NOT NULL,
                    role TEXT NOT NULL CHECK (role IN ('attendee', 'staff', 'organiser')),
                    created_at INTEGER NOT NULL
                );
                -- Only a hash of each session token is stored: a copy of the database opens no session.
                CREATE TABLE session (
                    token_hash BLOB PRIMARY KEY,
                    account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                """),
        .init(
            "events, classes and seats",
            sql: """
                CREATE TABLE event (
                    id INTEGER PRIMARY KEY CHECK (id BETWEEN 1 AND 4294967295),
                    name TEXT NOT NULL,
                    venue TEXT NOT NULL,
                    starts_at INTEGER NOT NULL,
                    ends_at INTEGER NOT NULL,
                    gates_open_at INTEGER NOT NULL,
                    sale_opens_at INTEGER NOT NULL,
                    sale_closes_at INTEGER NOT NULL,
                    per_person_limit INTEGER NOT NULL CHECK (per_person_limit > 0),
                    created_at INTEGER NOT NULL,
                    changed_at INTEGER NOT NULL,
                    CHECK (gates_open_at <= starts_at AND starts_at < ends_at AND sale_opens_at < sale_closes_at)
                );
                -- A class is also the zone a gate accepts. General admission classes have a
                -- capacity, and `sold` counts their live tickets: the CHECK makes overselling a
                -- constraint violation inside the booking's own transaction.
                CREATE TABLE ticket_class (
                    event_id INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,
                    zone INTEGER NOT NULL CHECK (zone BETWEEN 0 AND 65535),
                    name TEXT NOT NULL,
                    price_cents INTEGER NOT NULL DEFAULT 0 CHECK (price_cents >= 0),
                    capacity INTEGER CHECK (capacity IS NULL OR capacity >= 0),
                    sold INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (event_id, zone),
                    CHECK (sold >= 0 AND (capacity IS NULL OR sold <= capacity))
                ) WITHOUT ROWID;
                CREATE TABLE seat (
                    id INTEGER PRIMARY KEY,
                    event_id INTEGER NOT NULL,
                    row_label TEXT NOT NULL,
                    seat_label TEXT NOT NULL,
                    label TEXT NOT NULL,
                    zone INTEGER NOT NULL,
                    UNIQUE (event_id, label),
                    FOREIGN KEY (event_id, zone) REFERENCES ticket_class(event_id, zone) ON DELETE CASCADE
                );
                CREATE INDEX seat_event ON seat(event_id);
                """),
        .init(
            "bookings, tickets and the change log",
            sql: """
                CREATE TABLE booking (
                    id INTEGER PRIMARY KEY,
                    account_id INTEGER NOT NULL REFERENCES account(id),
                    event_id INTEGER NOT NULL REFERENCES event(id),
                    -- With a key, a retried request gets `response` back instead of booking again;
                    -- `request` catches the same key reused for a different booking.
                    idempotency_key TEXT,
                    request TEXT NOT NULL,
                    response TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    UNIQUE (account_id, idempotency_key)
                );
                CREATE TABLE ticket (
                    id INTEGER PRIMARY KEY,
                    event_id INTEGER NOT NULL REFERENCES event(id),
                    zone INTEGER NOT NULL,
                    seat_id INTEGER REFERENCES seat(id),
                    account_id INTEGER NOT NULL REFERENCES account(id),
                    booking_id INTEGER REFERENCES booking(id),
                    holder TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('valid', 'cancelled', 'revoked')),
                    token TEXT NOT NULL,
                    reissued_from INTEGER REFERENCES ticket(id),
                    created_at INTEGER NOT NULL,
                    changed_at INTEGER NOT NULL,
                    FOREIGN KEY (event_id, zone) REFERENCES ticket_class(event_id, zone)
                );
                -- The rule that no seat is sold twice, kept by the database itself.
                CREATE UNIQUE INDEX ticket_live_seat ON ticket(seat_id) WHERE status = 'valid' AND seat_id IS NOT NULL;
                CREATE INDEX ticket_holder ON ticket(account_id, event_id, status);
                CREATE INDEX ticket_event ON ticket(event_id);
                -- Append-only: every state change, with a sequence number that never goes back
                -- (AUTOINCREMENT never reuses one). Kiosks will sync from it.
                CREATE TABLE change_log (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    at INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    event_id INTEGER,
                    ticket_id INTEGER,
                    detail TEXT NOT NULL DEFAULT '{}'
                );
                CREATE TRIGGER change_log_append_only_update BEFORE UPDATE ON change_log
                    BEGIN SELECT RAISE(ABORT, 'the change log is append-only'); END;
                CREATE TRIGGER change_log_append_only_delete BEFORE DELETE ON change_log
                    BEGIN SELECT RAISE(ABORT, 'the change log is append-only'); END;
                """),
        .init(
            "signing keys ever loaded",
            sql: """
                -- Every kid a server on this database has loaded, with its public key. A kid here
                -- may have signed tickets, so it is never given to another key, and a key file
                -- that is lost or swapped is noticed at start instead of minting clashing tokens.
                CREATE TABLE signing_key (
                    kid INTEGER PRIMARY KEY CHECK (kid BETWEEN 0 AND 255),
                    ed25519_public_key BLOB NOT NULL,
                    recorded_at INTEGER NOT NULL
                );
                """),
        .init(
            "one name for the ticket class",
            sql: """
                -- The token calls it ticket_class, and so does every file and API now; "zone"
                -- was a second name for the same number. SQLite renames the keys and checks too.
                ALTER TABLE ticket_class RENAME COLUMN zone TO ticket_class;
                ALTER TABLE seat RENAME COLUMN zone TO ticket_class;
                ALTER TABLE ticket RENAME COLUMN zone TO ticket_class;
                """),
        .init(
            "gate devices, their scans and who is inside",
            sql: """
                -- A gate of one event. It enrolls once with a short code and is then known by a
                -- credential; only SHA-256 hashes of both are kept, so a copy of the database
                -- opens no gate.
                CREATE TABLE device (
                    id INTEGER PRIMARY KEY,
                    event_id INTEGER NOT NULL REFERENCES event(id),
                    name TEXT NOT NULL,
                    direction TEXT NOT NULL CHECK (direction IN ('entry', 'exit')),
                    -- A JSON array of the ticket classes it admits; NULL admits every class.
                    classes TEXT,
                    status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'revoked')),
                    enrollment_code_hash BLOB UNIQUE,
                    enrollment_expires_at INTEGER NOT NULL,
                    credential_hash BLOB UNIQUE,
                    created_at INTEGER NOT NULL,
                    enrolled_at INTEGER,
                    revoked_at INTEGER,
                    -- What the gate last said of itself (times in seconds, the offset in ms).
                    last_seen_at INTEGER,
                    replica_seq INTEGER NOT NULL DEFAULT 0,
                    pending_scans INTEGER NOT NULL DEFAULT 0,
                    clock_offset_ms INTEGER,
                    UNIQUE (event_id, name)
                );
                -- Every scan a gate reported. (device_id, scan_number) is the gate's own log
                -- number, so a push retried after a timeout or a crash is stored once.
                CREATE TABLE gate_scan (
                    id INTEGER PRIMARY KEY,
                    device_id INTEGER NOT NULL REFERENCES device(id),
                    scan_number INTEGER NOT NULL,
                    event_id INTEGER NOT NULL,
                    ticket_id INTEGER,
                    at INTEGER NOT NULL,
                    verdict TEXT NOT NULL CHECK (verdict IN ('admit', 'reject')),
                    reason TEXT NOT NULL,
                    direction TEXT NOT NULL CHECK (direction IN ('entry', 'exit')),
                    source TEXT NOT NULL CHECK (source IN ('camera', 'manual')),
                    mode TEXT NOT NULL CHECK (mode IN ('online', 'offline')),
                    received_at INTEGER NOT NULL,
                    UNIQUE (device_id, scan_number)
                );
                CREATE INDEX gate_scan_ticket ON gate_scan(ticket_id);
                CREATE INDEX gate_scan_event ON gate_scan(event_id);
                -- Who is inside: a row per ticket admitted at least once. The online redeem
                -- decides on this row inside the writer's transaction, so two gates showing the
                -- same ticket at the same moment admit it once.
                CREATE TABLE admission (
                    ticket_id INTEGER PRIMARY KEY REFERENCES ticket(id),
                    event_id INTEGER NOT NULL,
                    first_at INTEGER NOT NULL,
                    first_device_id INTEGER NOT NULL REFERENCES device(id),
                    inside INTEGER NOT NULL CHECK (inside IN (0, 1)),
                    last_at INTEGER NOT NULL,
                    last_device_id INTEGER NOT NULL REFERENCES device(id),
                    -- The redeem that last let it in, so the same redeem retried is answered again.
                    last_redeem TEXT
                );
                CREATE INDEX admission_event ON admission(event_id);
                -- Offline admissions that should not have happened: the same ticket in twice, or
                -- in after it was revoked or cancelled. Kept for the organisers, never undone.
                CREATE TABLE gate_conflict (
                    id INTEGER PRIMARY KEY,
                    event_id INTEGER NOT NULL,
                    ticket_id INTEGER NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('admitted_twice', 'admitted_when_not_valid')),
                    scan_id INTEGER NOT NULL REFERENCES gate_scan(id),
                    created_at INTEGER NOT NULL
                );
                CREATE INDEX gate_conflict_event ON gate_conflict(event_id);
                -- Gates read the change log by event, from a sequence number on.
                CREATE INDEX change_log_event ON change_log(event_id, seq);
                """),
        .init(
            "each event's time zone and currency",
            sql: """
                -- Times are shown in the event's own zone (an IANA name), wherever the reader is;
                -- prices are in the currency's minor unit (cents, or whole won: KRW has none).
                ALTER TABLE event ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
                ALTER TABLE event ADD COLUMN currency TEXT NOT NULL DEFAULT 'EUR';
                """),
        .init(
            "scans the server does not believe",
            sql: """
                -- A pushed scan whose time lies outside what the server accepts, or whose
                -- direction is not its gate's, is kept as the gate sent it but flagged: it never
                -- moves a ticket and is counted apart (docs/SECURITY.md, "What a gate may claim").
                ALTER TABLE gate_scan ADD COLUMN flag TEXT CHECK (flag IN ('invalid_time', 'wrong_direction'));
                -- An offline admission at a gate that does not take the ticket's class is a
                -- conflict too. SQLite cannot widen a CHECK in place: the table is rebuilt.
                CREATE TABLE gate_conflict_widened (
                    id INTEGER PRIMARY KEY,
                    event_id INTEGER NOT NULL,
                    ticket_id INTEGER NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('admitted_twice', 'admitted_when_not_valid', 'admitted_wrong_class')),
                    scan_id INTEGER NOT NULL REFERENCES gate_scan(id),
                    created_at INTEGER NOT NULL
                );
                INSERT INTO gate_conflict_widened (id, event_id, ticket_id, kind, scan_id, created_at)
                    SELECT id, event_id, ticket_id, kind, scan_id, created_at FROM gate_conflict;
                DROP TABLE gate_conflict;
                ALTER TABLE gate_conflict_widened RENAME TO gate_conflict;
                CREATE INDEX gate_conflict_event ON gate_conflict(event_id);
                """),
        .init(
            "the server's own secrets",
            sql: """
                -- Random keys the server makes on first start (ServerSecret): in the database, so a
                -- restart or a second process accepts what the first one signed, and a backup
                -- carries them.
                CREATE TABLE server_secret (
                    name TEXT PRIMARY KEY,
                    value BLOB NOT NULL CHECK (length(value) >= 32)
                ) WITHOUT ROWID;
                """),
        .init(
            "emails compared as people mean them",
            sql: """
                -- The address in NFC with full case folding (EmailAddress.key): one account per
                -- address however it is typed. Filled for older accounts in Swift after the
                -- migrations (ServerSchema.migrate); an account whose key another account holds
                -- already keeps NULL and is found by its address exactly as stored.
                ALTER TABLE account ADD COLUMN email_key TEXT;
                CREATE UNIQUE INDEX account_email_key ON account(email_key);
                """),
        .init(
            "the waiting room and the pause",
            sql: """
                -- An event's waiting room (docs/FAIRNESS.md). The seed is drawn when the room is
                -- set up; only its SHA-256 is published until the draw at the sale's opening.
                CREATE TABLE waiting_room (
                    event_id INTEGER PRIMARY KEY REFERENCES event(id) ON DELETE CASCADE,
                    opens_at INTEGER NOT NULL,
                    active_buyers INTEGER NOT NULL CHECK (active_buyers BETWEEN 1 AND 100000),
                    turn_seconds INTEGER NOT NULL CHECK (turn_seconds BETWEEN 60 AND 86400),
                    seed BLOB NOT NULL CHECK (length(seed) = 32),
                    drawn_at INTEGER
                );
                -- One place in the line per account and event. Numbers are handed out in join
                -- order; draw_rank is the place the draw gave an entry that joined before the
                -- opening (NULL for later ones, who follow in number order).
                CREATE TABLE queue_entry (
                    event_id INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,
                    number INTEGER NOT NULL CHECK (number >= 1),
                    account_id INTEGER NOT NULL REFERENCES account(id),
                    joined_at INTEGER NOT NULL,
                    draw_rank INTEGER,
                    status TEXT NOT NULL DEFAULT 'waiting'
                        CHECK (status IN ('waiting', 'turn', 'done', 'expired', 'sold_out')),
                    turn_started_at INTEGER,
                    turn_ends_at INTEGER,
                    PRIMARY KEY (event_id, number),
                    UNIQUE (event_id, account_id)
                ) WITHOUT ROWID;
                CREATE INDEX queue_entry_line ON queue_entry(event_id, status, draw_rank, number);
                -- A sale paused by its organisers, with the notice every page shows meanwhile.
                CREATE TABLE sale_pause (
                    event_id INTEGER PRIMARY KEY REFERENCES event(id) ON DELETE CASCADE,
                    paused_at INTEGER NOT NULL,
                    notice_ko TEXT NOT NULL,
                    notice_en TEXT NOT NULL,
                    resume_at INTEGER
                );
                """),
        .init(
            "the waitlist",
            sql: """
                -- How long a waitlist offer is held for the person it is made to.
                ALTER TABLE event ADD COLUMN offer_minutes INTEGER NOT NULL DEFAULT 30
                    CHECK (offer_minutes BETWEEN 1 AND 10080);
                -- General-admission tickets held back for open offers: between them, sales and
                -- offers never pass the capacity.
                ALTER TABLE ticket_class ADD COLUMN held INTEGER NOT NULL DEFAULT 0
                    CHECK (held >= 0 AND (capacity IS NULL OR sold + held <= capacity));
                -- People waiting for a sold-out class, first come first served (by id). One live
                -- entry (waiting, or with an offer out) per account and class.
                CREATE TABLE waitlist_entry (
                    id INTEGER PRIMARY KEY,
                    event_id INTEGER NOT NULL,
                    ticket_class INTEGER NOT NULL,
                    account_id INTEGER NOT NULL REFERENCES account(id),
                    count INTEGER NOT NULL CHECK (count BETWEEN 1 AND 100),
                    accept_fewer INTEGER NOT NULL DEFAULT 0 CHECK (accept_fewer IN (0, 1)),
                    status TEXT NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'offered', 'booked', 'left')),
                    joined_at INTEGER NOT NULL,
                    changed_at INTEGER NOT NULL,
                    FOREIGN KEY (event_id, ticket_class) REFERENCES ticket_class(event_id, ticket_class) ON DELETE CASCADE
                );
                CREATE UNIQUE INDEX waitlist_entry_live ON waitlist_entry(event_id, ticket_class, account_id)
                    WHERE status IN ('waiting', 'offered');
                CREATE INDEX waitlist_line ON waitlist_entry(event_id, ticket_class, status, id);
                CREATE INDEX waitlist_entry_account ON waitlist_entry(account_id, status);
                -- Tickets held for the head of a line until `expires_at`. At most one open offer
                -- per entry.
                CREATE TABLE waitlist_offer (
                    id INTEGER PRIMARY KEY,
                    entry_id INTEGER NOT NULL REFERENCES waitlist_entry(id) ON DELETE CASCADE,
                    count INTEGER NOT NULL CHECK (count BETWEEN 1 AND 100),
                    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'declined', 'expired')),
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    changed_at INTEGER NOT NULL,
                    -- The --notify-command's run for this offer: when it succeeded, how often it
                    -- was tried, and when to try again.
                    notified_at INTEGER,
                    notify_attempts INTEGER NOT NULL DEFAULT 0,
                    notify_after INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX waitlist_offer_unnotified ON waitlist_offer(notify_after) WHERE notified_at IS NULL;
                CREATE UNIQUE INDEX waitlist_offer_open ON waitlist_offer(entry_id) WHERE status = 'open';
                CREATE INDEX waitlist_offer_expiry ON waitlist_offer(status, expires_at);
                -- The seats open offers hold, each by one offer at most; a row goes when its
                -- offer closes. A seat is never both held and sold: the triggers refuse a live
                -- ticket on a held seat, and a hold on a seat with a live ticket.
                CREATE TABLE offer_seat (
                    seat_id INTEGER PRIMARY KEY REFERENCES seat(id),
                    offer_id INTEGER NOT NULL REFERENCES waitlist_offer(id) ON DELETE CASCADE
                );
                CREATE INDEX offer_seat_offer ON offer_seat(offer_id);
                CREATE TRIGGER ticket_not_on_held_seat BEFORE INSERT ON ticket
                    WHEN NEW.seat_id IS NOT NULL AND NEW.status = 'valid'
                        AND EXISTS (SELECT 1 FROM offer_seat WHERE seat_id = NEW.seat_id)
                    BEGIN SELECT RAISE(ABORT, 'seat held by a waitlist offer'); END;
                CREATE TRIGGER hold_not_on_sold_seat BEFORE INSERT ON offer_seat
                    WHEN EXISTS (SELECT 1 FROM ticket WHERE seat_id = NEW.seat_id AND status = 'valid')
                    BEGIN SELECT RAISE(ABORT, 'seat has a live ticket'); END;
                """),
    ])

    /// Brings `database` to the newest schema, then fills what SQL alone cannot (email keys).
    /// Returns the accounts whose addresses collided once normalised, for the operator.
    static func migrate(_ database: SQLiteDatabase) throws -> [EmailAddress.Collision] {
        try migrator.migrate(database)
        return try EmailAddress.completeKeys(in: database)
    }
}
