-- Several bot processes on one database share a platform's rate limit (Telegram's ~30 msg/s is
-- per bot, not per process): one token bucket per platform. A process takes tokens in small
-- batches (marketbot/storage/rate_buckets.py); the bucket refills at the configured rate from
-- ``refilled_at`` and holds at most a few batches, so the sum over processes stays within it.
-- Each instant column on a line of its own, as the PostgreSQL translation reads them (pg_ddl.py).
CREATE TABLE rate_buckets (
    platform TEXT PRIMARY KEY,
    tokens DOUBLE PRECISION NOT NULL,
    refilled_at TEXT NOT NULL
);
