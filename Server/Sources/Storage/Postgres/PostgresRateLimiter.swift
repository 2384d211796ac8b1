import Synchronization

/// A throttle's buckets in PostgreSQL, shared by every server process on the database: a
/// guesser who spreads log-ins over the processes behind a balancer meets one bucket, not one
/// per process. The same token bucket as `RateLimiter`, each take one statement.
final class PostgresRateLimiter: ThrottleBuckets {
    let rule: ThrottleRule
    /// Which throttle: buckets of different throttles may share a key (an address).
    private let name: String
    private let pool: BlockingPostgresPool
    private let takes = Atomic<Int>(0)

    init(rule: ThrottleRule, name: String, pool: BlockingPostgresPool) {
        self.rule = rule
        self.name = name
        self.pool = pool
    }

    func take(_ key: String, now: Int64) throws -> Int64? {
        // Once in a while, forget buckets that have long been full again.
        if takes.add(1, ordering: .relaxed).newValue % 1_000 == 0 {
            try pool.withConnection { connection in
                try connection.run(
                    "DELETE FROM throttle_bucket WHERE rule = ? AND updated_at < ?", arguments: [name, now - Int64(rule.burst) * rule.secondsPerTry])
            }
        }
        // Not waited onto disk: a bucket lost in a crash forgives a few tries, and a take that
        // waited for its own fsync would add one to every booking.
        return try pool.transactionOnThisThread(.lockedRows) { connection in
            try connection.execute("SET LOCAL synchronous_commit TO off")
            // The refilled bucket, less one try, only if a whole try is left.
            let taken = try connection.row(
                """
                INSERT INTO throttle_bucket AS b (rule, key, tries, updated_at) VALUES (?1, ?2, ?3 - 1, ?4)
                ON CONFLICT (rule, key) DO UPDATE
                SET tries = LEAST(?3, b.tries + GREATEST(0, ?4 - b.updated_at)::double precision / ?5) - 1, updated_at = ?4
                WHERE LEAST(?3, b.tries + GREATEST(0, ?4 - b.updated_at)::double precision / ?5) >= 1
                RETURNING tries
                """, arguments: [name, key, rule.burst, now, rule.secondsPerTry])
            guard taken == nil else { return nil }
            let left = try connection.scalar(
                """
                SELECT LEAST(?3, tries + GREATEST(0, ?4 - updated_at)::double precision / ?5) FROM throttle_bucket
                WHERE rule = ?1 AND key = ?2
                """, arguments: [name, key, rule.burst, now, rule.secondsPerTry], as: Double.self) ?? 0
            return max(1, Int64(((1 - left) * Double(rule.secondsPerTry)).rounded(.up)))
        }
    }

    func reset(_ key: String) throws {
        try pool.withConnection { try $0.run("DELETE FROM throttle_bucket WHERE rule = ? AND key = ?", arguments: [name, key]) }
    }

    func giveBack(_ key: String, now: Int64) throws {
        try pool.withConnection { connection in
            try connection.run(
                """
                UPDATE throttle_bucket SET tries = LEAST(?3, tries + GREATEST(0, ?4 - updated_at)::double precision / ?5 + 1), updated_at = ?4
                WHERE rule = ?1 AND key = ?2
                """, arguments: [name, key, rule.burst, now, rule.secondsPerTry])
        }
    }
}
