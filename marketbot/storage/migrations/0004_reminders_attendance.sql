-- Who follows which market, when each market's reminders go out, every planned reminder (sent
-- at most once), and which stalls said they are coming to which market day.
CREATE TABLE subscriptions (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    market_id INTEGER NOT NULL REFERENCES markets (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, market_id)
);
CREATE INDEX subscriptions_market ON subscriptions (market_id);

CREATE TABLE reminder_settings (
    market_id INTEGER PRIMARY KEY REFERENCES markets (id) ON DELETE CASCADE,
    evening TEXT,
    morning TEXT
);

CREATE TABLE reminders (
    id INTEGER PRIMARY KEY,
    market_id INTEGER NOT NULL REFERENCES markets (id) ON DELETE CASCADE,
    market_day TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('evening', 'morning')),
    due_at TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('scheduled', 'sent', 'dropped', 'obsolete')),
    settled_at TEXT,
    UNIQUE (market_id, market_day, kind)
);
CREATE INDEX reminders_scheduled ON reminders (status, due_at);

CREATE TABLE attendance (
    stall_id INTEGER NOT NULL REFERENCES stalls (id) ON DELETE CASCADE,
    market_day TEXT NOT NULL,
    coming INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (stall_id, market_day)
);

ALTER TABLE users ADD COLUMN market_id INTEGER REFERENCES markets (id);
