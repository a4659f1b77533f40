-- A platform's "retry later" (Telegram's 429 with retry_after) is for the whole bot, not for the
-- process that got it: the pause is recorded in the platform's bucket, and no process is granted a
-- token before ``resume_at`` (marketbot/storage/rate_buckets.py).
-- Each instant column on a line of its own, as the PostgreSQL translation reads them (pg_ddl.py).
ALTER TABLE rate_buckets ADD COLUMN
    resume_at TEXT;
