-- Product categories a market's secretary adds beside the fixed ones (手工醋, 文创 …). A product
-- of one stores the key "c<id>" in products.category; removing one moves its products to qita.
CREATE TABLE market_categories (
    id INTEGER PRIMARY KEY,
    market_id INTEGER NOT NULL REFERENCES markets (id) ON DELETE CASCADE,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    UNIQUE (market_id, name_zh)
);
