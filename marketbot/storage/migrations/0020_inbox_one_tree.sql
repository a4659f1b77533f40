-- The inbox as one B-tree: every chat turn inserts a row, and each B-tree it touches is a page more
-- written to the log at its commit. A rowid table, its primary key's index and the index on
-- received_at were three; a WITHOUT ROWID table keyed by (platform, update_key) is one (measured:
-- ~11.3 → ~9.2 pages a /start turn). The daily pruning walks the key in slices instead
-- (InboxStore.prune). On PostgreSQL the same: the table and its key, without the second index; the
-- old table is locked first, so that a process of the previous version handling a message during
-- the roll waits for the copy instead of writing a row the copy would miss.
-- postgresql: LOCK TABLE inbox IN EXCLUSIVE MODE;
CREATE TABLE inbox_keyed (
    platform TEXT NOT NULL,
    update_key TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (platform, update_key)
) WITHOUT ROWID;
INSERT INTO inbox_keyed (platform, update_key, received_at)
    SELECT platform, update_key, received_at FROM inbox;
DROP TABLE inbox;
ALTER TABLE inbox_keyed RENAME TO inbox;
