-- Every search, without personal data: when, which market, what was asked for (normalized),
-- how it was asked, and how many product lines were found. Feeds the weekly demand summary.
CREATE TABLE search_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    market_id INTEGER REFERENCES markets (id) ON DELETE SET NULL,
    wanted TEXT NOT NULL,
    intent TEXT NOT NULL,
    results INTEGER NOT NULL
);
CREATE INDEX search_log_at ON search_log (at);

CREATE TABLE demand_reports (
    week TEXT PRIMARY KEY,
    sent_at TEXT NOT NULL
);
