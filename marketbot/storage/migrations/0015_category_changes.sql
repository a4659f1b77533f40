-- A market's own categories are words of its search index: adding, renaming or removing one is
-- a change of that market's catalogue (see 0014), so a running bot, or another process, builds
-- the market's index anew with the new words.
CREATE TRIGGER catalog_category_added AFTER INSERT ON market_categories BEGIN
    INSERT INTO catalog_changes (market_id) VALUES (new.market_id);
END;
CREATE TRIGGER catalog_category_changed AFTER UPDATE ON market_categories BEGIN
    INSERT INTO catalog_changes (market_id) VALUES (new.market_id);
END;
CREATE TRIGGER catalog_category_removed AFTER DELETE ON market_categories BEGIN
    INSERT INTO catalog_changes (market_id) VALUES (old.market_id);
END;
