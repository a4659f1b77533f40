-- What changed in the catalogue, in commit order, written by triggers so that every writer (this
-- bot, `marketbot import`, a second bot process) records it in its own transaction. A running
-- bot reads the rows after the last one it applied and updates its search indexes in place
-- (a product re-read, a stall's products re-read, a market's "coming" stalls recomputed) instead
-- of rebuilding them. Old rows are pruned; a reader that finds its last row pruned rebuilds.
CREATE TABLE catalog_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    product_id INTEGER,
    stall_id INTEGER,
    market_id INTEGER,
    at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TRIGGER catalog_product_added AFTER INSERT ON products BEGIN
    INSERT INTO catalog_changes (product_id, stall_id) VALUES (new.id, new.stall_id);
END;
CREATE TRIGGER catalog_product_changed AFTER UPDATE ON products BEGIN
    INSERT INTO catalog_changes (product_id, stall_id) VALUES (new.id, new.stall_id);
END;
CREATE TRIGGER catalog_product_removed AFTER DELETE ON products BEGIN
    INSERT INTO catalog_changes (product_id, stall_id) VALUES (old.id, old.stall_id);
END;

CREATE TRIGGER catalog_stall_added AFTER INSERT ON stalls BEGIN
    INSERT INTO catalog_changes (stall_id) VALUES (new.id);
END;
CREATE TRIGGER catalog_stall_changed AFTER UPDATE OF market_id, name, status ON stalls BEGIN
    INSERT INTO catalog_changes (stall_id) VALUES (new.id);
END;
CREATE TRIGGER catalog_stall_removed AFTER DELETE ON stalls BEGIN
    INSERT INTO catalog_changes (stall_id) VALUES (old.id);
END;

-- who is coming to a market day ranks the search
CREATE TRIGGER catalog_attendance_added AFTER INSERT ON attendance BEGIN
    INSERT INTO catalog_changes (stall_id) VALUES (new.stall_id);
END;
CREATE TRIGGER catalog_attendance_changed AFTER UPDATE ON attendance BEGIN
    INSERT INTO catalog_changes (stall_id) VALUES (new.stall_id);
END;

-- a market day added, moved or cancelled changes which day "coming" is about
CREATE TRIGGER catalog_schedule_added AFTER INSERT ON market_schedules BEGIN
    INSERT INTO catalog_changes (market_id) VALUES (new.market_id);
END;
CREATE TRIGGER catalog_schedule_changed AFTER UPDATE ON market_schedules BEGIN
    INSERT INTO catalog_changes (market_id) VALUES (new.market_id);
END;
CREATE TRIGGER catalog_schedule_removed AFTER DELETE ON market_schedules BEGIN
    INSERT INTO catalog_changes (market_id) VALUES (old.market_id);
END;
CREATE TRIGGER catalog_day_added AFTER INSERT ON market_day_changes BEGIN
    INSERT INTO catalog_changes (market_id) VALUES (new.market_id);
END;
CREATE TRIGGER catalog_day_changed AFTER UPDATE ON market_day_changes BEGIN
    INSERT INTO catalog_changes (market_id) VALUES (new.market_id);
END;
CREATE TRIGGER catalog_day_removed AFTER DELETE ON market_day_changes BEGIN
    INSERT INTO catalog_changes (market_id) VALUES (old.market_id);
END;
