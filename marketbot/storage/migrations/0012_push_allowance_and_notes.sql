-- A platform's monthly allowance of mass messages per person (a WeChat service account's
-- followers receive at most four a month): one row per chat and announcement sent that way,
-- counted per calendar month in the market's time zone (``month`` is ``YYYY-MM`` there).
CREATE TABLE push_allowance_uses (
    platform TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    announcement_id INTEGER NOT NULL,
    month TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (platform, chat_id, announcement_id)
);
CREATE INDEX push_allowance_month ON push_allowance_uses (platform, chat_id, month);

-- Notes a platform tells a person only once (what the account cannot do), kept across
-- restarts.
CREATE TABLE notes_told (
    platform TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    note TEXT NOT NULL,
    told_at TEXT NOT NULL,
    PRIMARY KEY (platform, chat_id, note)
);
