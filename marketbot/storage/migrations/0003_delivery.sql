-- The delivery outbox: announcements (reminders, broadcasts, notices), one row per recipient with
-- its state, and the chats that blocked the bot. Self-contained: recipients are (platform, chat_id).
CREATE TABLE delivery_announcements (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('reminder', 'broadcast', 'notice')),
    key TEXT UNIQUE,
    reply TEXT NOT NULL,
    priority INTEGER NOT NULL DEFAULT 0 CHECK (priority >= 0),
    not_before TEXT,
    created_at TEXT NOT NULL,
    cancelled_at TEXT,
    finished_at TEXT
);

CREATE TABLE delivery_outbox (
    id INTEGER PRIMARY KEY,
    announcement_id INTEGER NOT NULL REFERENCES delivery_announcements (id) ON DELETE CASCADE,
    platform TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    state TEXT NOT NULL CHECK (
        state IN ('pending', 'sending', 'sent', 'unconfirmed', 'unreachable', 'failed', 'cancelled')
    ),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    last_error TEXT,
    updated_at TEXT NOT NULL,
    UNIQUE (announcement_id, platform, chat_id)
);
CREATE INDEX delivery_outbox_state ON delivery_outbox (announcement_id, state, platform, id);
CREATE INDEX delivery_outbox_active ON delivery_outbox (state) WHERE state IN ('pending', 'sending');

CREATE TABLE delivery_unreachable (
    platform TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    since TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (platform, chat_id)
);
