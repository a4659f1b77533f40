-- Market days: each market's schedule as the secretary typed it (逢三六九…) with its calendar
-- settings, and the single days a secretary cancelled or moved. Days are ISO civil dates in the
-- market's time zone.
CREATE TABLE market_schedules (
    market_id INTEGER PRIMARY KEY REFERENCES markets (id) ON DELETE CASCADE,
    phrase TEXT NOT NULL,
    day30 TEXT NOT NULL DEFAULT 'skip' CHECK (day30 IN ('skip', 'day29', 'next1')),
    fairs_in_leap_month INTEGER NOT NULL DEFAULT 0 CHECK (fairs_in_leap_month IN (0, 1)),
    set_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE market_day_changes (
    id INTEGER PRIMARY KEY,
    market_id INTEGER NOT NULL REFERENCES markets (id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    moved_to TEXT,
    reason TEXT NOT NULL,
    changed_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    changed_at TEXT NOT NULL,
    UNIQUE (market_id, day),
    CHECK (moved_to IS NULL OR moved_to != day)
);
CREATE INDEX market_day_changes_moved_to ON market_day_changes (market_id, moved_to);
