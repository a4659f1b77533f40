-- The shared rate limit as slots instead of tokens. A token bucket let the processes together
-- send the rate plus its capacity plus the tokens each held (measured: 1.05 of the rate over five
-- seconds with two processes, benchmarks/scale_out.py); now each platform's row holds the next free
-- sending slot, slots are 1/rate apart and each is given to one process only, so over any stretch
-- the processes send at most the rate. A platform's "retry later" (Telegram's 429 is per bot, not
-- per process) moves the next free slot to the end of the pause. What the old table held is
-- transient (a fraction of a second of tokens): it is not kept.
-- Each instant column on a line of its own, as the PostgreSQL translation reads them (pg_ddl.py).
DROP TABLE rate_buckets;
CREATE TABLE rate_buckets (
    platform TEXT PRIMARY KEY,
    next_slot_at TEXT NOT NULL
);

-- Each delivery engine looks every second for unfinished announcements with rows pending for its
-- platforms (another process started them, or was killed sending them): an index of the few
-- unfinished ones, so the look does not read the whole table (every reply is an announcement).
CREATE INDEX delivery_announcements_unfinished ON delivery_announcements (id)
    WHERE finished_at IS NULL;
