-- Several bot processes on one database (PostgreSQL): a row being sent carries the lease of the
-- process sending it (its owner, made once per process, and when the lease runs out). The process
-- renews its leases while it sends; another process takes over only rows whose lease ran out (their
-- process was killed) and marks them unconfirmed, never a live process's rows.
-- Each instant column on a line of its own, as the PostgreSQL translation reads them (pg_ddl.py).
ALTER TABLE delivery_outbox ADD COLUMN lease_owner TEXT;
ALTER TABLE delivery_outbox ADD COLUMN
    lease_expires_at TEXT;

-- Named leases of one process at a time (the reminder planner): whoever holds a row whose expiry
-- has not passed is the leader; it renews, releases, or lets it run out for another to take.
CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
