-- Announcements by secretaries and vendors (who, to whom, what, when, and the final report),
-- the delivery-engine announcements each one was sent as (one per language and platform),
-- visitors following stalls, and broadcast settings (the vendors' daily limit).
CREATE TABLE broadcasts (
    id INTEGER PRIMARY KEY,
    author_id INTEGER NOT NULL REFERENCES users (id),
    stall_id INTEGER REFERENCES stalls (id) ON DELETE SET NULL,
    audience TEXT NOT NULL,
    text TEXT NOT NULL,
    photo TEXT,
    photo_platform TEXT,
    recipients INTEGER NOT NULL,
    send_at TEXT,
    created_at TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'done', 'cancelled')),
    progress_ref TEXT,
    sent INTEGER,
    unconfirmed INTEGER,
    unreachable INTEGER,
    failed INTEGER,
    cancelled INTEGER,
    finished_at TEXT
);
CREATE INDEX broadcasts_stall ON broadcasts (stall_id, created_at);

CREATE TABLE broadcast_parts (
    announcement_id INTEGER PRIMARY KEY,
    broadcast_id INTEGER NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE
);
CREATE INDEX broadcast_parts_broadcast ON broadcast_parts (broadcast_id);

CREATE TABLE stall_followers (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    stall_id INTEGER NOT NULL REFERENCES stalls (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, stall_id)
);
CREATE INDEX stall_followers_stall ON stall_followers (stall_id);

CREATE TABLE broadcast_settings (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
