"""The storage layer: the SQLite database, its numbered migrations and every store. The only
place with SQL."""
