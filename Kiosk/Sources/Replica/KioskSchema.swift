import Shared

/// The kiosk's schema, as numbered migrations. Never edit one that has shipped: add the next.
enum KioskSchema {
    static let migrator = SQLiteMigrator([
        .init(
            "settings, keys, tickets and the scan log",
            sql: """
                CREATE TABLE setting (
                    name TEXT PRIMARY KEY,
                    value TEXT NOT NULL
                ) WITHOUT ROWID;
                -- The kiosk export of the server's keys: never a signing seed.
                CREATE TABLE key (
                    kid INTEGER PRIMARY KEY CHECK (kid BETWEEN 0 AND 255),
                    aes_key BLOB NOT NULL CHECK (length(aes_key) = 16),
                    public_key BLOB NOT NULL CHECK (length(public_key) = 32),
                    status TEXT NOT NULL CHECK (status IN ('active', 'retired', 'revoked'))
                );
                -- Tickets the kiosk knows: from an import (later, sync), or first seen at this gate
                -- with a valid signature (bought after the last import). Ids are u64 bit patterns.
                CREATE TABLE ticket (
                    id INTEGER PRIMARY KEY,
                    event_id INTEGER NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('valid', 'cancelled', 'revoked')),
                    holder TEXT NOT NULL DEFAULT '',
                    seat TEXT NOT NULL DEFAULT '',
                    class INTEGER,
                    origin TEXT NOT NULL CHECK (origin IN ('import', 'scan')),
                    inside INTEGER NOT NULL DEFAULT 0 CHECK (inside IN (0, 1)),
                    used_at INTEGER,
                    used_gate TEXT,
                    updated_at INTEGER NOT NULL
                );
                CREATE INDEX ticket_holder ON ticket (holder COLLATE NOCASE);
                -- Every verdict, in order; times are milliseconds since 1970. `synced` is for the
                -- sync that will send them to the server.
                CREATE TABLE scan (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    ticket_id INTEGER,
                    at INTEGER NOT NULL,
                    verdict TEXT NOT NULL CHECK (verdict IN ('admit', 'reject')),
                    reason TEXT NOT NULL,
                    direction TEXT NOT NULL CHECK (direction IN ('entry', 'exit')),
                    source TEXT NOT NULL CHECK (source IN ('camera', 'manual')),
                    gate TEXT NOT NULL,
                    in_replica INTEGER NOT NULL CHECK (in_replica IN (0, 1)),
                    synced INTEGER NOT NULL DEFAULT 0 CHECK (synced IN (0, 1))
                );
                CREATE INDEX scan_pending ON scan (seq) WHERE synced = 0;
                CREATE INDEX scan_ticket ON scan (ticket_id);
                -- The log is history: a scan once written is never rewritten, only marked synced.
                CREATE TRIGGER scan_append_only BEFORE UPDATE OF seq, ticket_id, at, verdict, reason, direction, source, gate
                    ON scan BEGIN SELECT RAISE(ABORT, 'the scan log is append-only'); END;
                CREATE TRIGGER scan_never_deleted BEFORE DELETE ON scan
                    BEGIN SELECT RAISE(ABORT, 'the scan log is append-only'); END;
                """),
        .init(
            "one name for the ticket class",
            sql: """
                -- The token, the server and the import file call it ticket_class.
                ALTER TABLE ticket RENAME COLUMN class TO ticket_class;
                """),
        .init(
            "sync with the server",
            sql: """
                -- How each verdict was reached: with the server's redeem (online) or from the
                -- replica alone (offline), and the redeem's id, so the server can tell an
                -- admission it already counted from a new one.
                ALTER TABLE scan ADD COLUMN mode TEXT NOT NULL DEFAULT 'offline' CHECK (mode IN ('online', 'offline'));
                ALTER TABLE scan ADD COLUMN redeem_id TEXT;
                DROP TRIGGER scan_append_only;
                CREATE TRIGGER scan_append_only
                    BEFORE UPDATE OF seq, ticket_id, at, verdict, reason, direction, source, gate, mode, redeem_id
                    ON scan BEGIN SELECT RAISE(ABORT, 'the scan log is append-only'); END;
                -- When the ticket last went in or out (milliseconds), here or at a gate the feed
                -- told of: a movement older than that, arriving late, does not move it back.
                ALTER TABLE ticket ADD COLUMN moved_at INTEGER;
                """),
        .init(
            "how new the replica's word on each ticket is",
            sql: """
                -- The server time (milliseconds) the ticket's row stands as of: when the feed
                -- brought it, or the import file's exported_at. An import older than this
                -- leaves the row alone, so a stale file cannot undo a revocation.
                ALTER TABLE ticket ADD COLUMN known_at INTEGER;
                """),
    ])
}
