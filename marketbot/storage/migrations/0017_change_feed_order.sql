-- The change feed in commit order on PostgreSQL. A row's seq is numbered when it is inserted, not
-- when its transaction commits: with several processes writing, a change with a lower seq can commit
-- after a higher one a reader has already passed. Each row records the transaction that wrote it
-- (PostgreSQL's 64-bit transaction id); there a reader's mark is the lowest transaction still in
-- flight when it read (pg_snapshot_xmin), and it reads every row written by that one or later, so a
-- change committed late is read the next time (see Storage.catalog_changes). SQLite has one writer
-- at a time: seq is commit order there and tx stays empty.
ALTER TABLE catalog_changes ADD COLUMN tx BIGINT;
-- postgresql: ALTER TABLE catalog_changes ALTER COLUMN tx SET DEFAULT pg_current_xact_id()::text::bigint;
-- postgresql: CREATE INDEX catalog_changes_tx ON catalog_changes (tx);
