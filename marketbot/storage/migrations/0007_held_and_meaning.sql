-- Messages held for platforms that cannot push (an unverified WeChat account): a row 'held' waits
-- for the person's next message and is handed over in the reply to it ('sent' then).
-- An announcement carries its meaning beside the rendered reply (kind of notice, market, day,
-- broadcast), so that a platform with reply windows can choose its channel.
CREATE TABLE delivery_outbox_new (
    id INTEGER PRIMARY KEY,
    announcement_id INTEGER NOT NULL REFERENCES delivery_announcements (id) ON DELETE CASCADE,
    platform TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    state TEXT NOT NULL CHECK (
        state IN (
            'pending', 'sending', 'sent', 'unconfirmed', 'unreachable', 'failed', 'cancelled',
            'held'
        )
    ),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    last_error TEXT,
    updated_at TEXT NOT NULL,
    UNIQUE (announcement_id, platform, chat_id)
);
INSERT INTO delivery_outbox_new
    SELECT id, announcement_id, platform, chat_id, state, attempts, next_attempt_at, last_error,
           updated_at
    FROM delivery_outbox;
DROP TABLE delivery_outbox;
ALTER TABLE delivery_outbox_new RENAME TO delivery_outbox;
CREATE INDEX delivery_outbox_state ON delivery_outbox (announcement_id, state, platform, id);
CREATE INDEX delivery_outbox_active ON delivery_outbox (state) WHERE state IN ('pending', 'sending');
CREATE INDEX delivery_outbox_held ON delivery_outbox (platform, chat_id, id) WHERE state = 'held';

ALTER TABLE delivery_announcements ADD COLUMN meaning TEXT NOT NULL DEFAULT '{}';
ALTER TABLE broadcasts ADD COLUMN held INTEGER;

-- A conversation keeps the buttons of messages pushed to the person (reminders, notices) apart
-- from its own numbered choices, and the pages of a long answer not shown yet.
ALTER TABLE conversations ADD COLUMN pushed TEXT NOT NULL DEFAULT '[]';
ALTER TABLE conversations ADD COLUMN pages TEXT NOT NULL DEFAULT '[]';
