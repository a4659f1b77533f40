-- Prices people really say: 面议 (listed without a price: price_fen 0, price_note 'negotiable'),
-- a range (15-20元: price_fen the low end, price_max_fen the high end) and about a price
-- (15元左右: price_note 'about'). Money stays integer fen. The CHECK on price_fen allows 0 now,
-- so the table is rebuilt (no table refers to products).
CREATE TABLE products_new (
    id INTEGER PRIMARY KEY,
    stall_id INTEGER NOT NULL REFERENCES stalls (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    price_fen INTEGER NOT NULL CHECK (price_fen >= 0),
    price_max_fen INTEGER CHECK (price_max_fen IS NULL OR price_max_fen > price_fen),
    price_note TEXT NOT NULL DEFAULT '' CHECK (price_note IN ('', 'about', 'negotiable')),
    unit TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    in_stock INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    photo_id INTEGER REFERENCES photos (id),
    UNIQUE (stall_id, name),
    CHECK (price_fen > 0 OR price_note = 'negotiable')
);
INSERT INTO products_new (id, stall_id, name, category, price_fen, unit, description, in_stock,
                          created_at, updated_at, photo_id)
    SELECT id, stall_id, name, category, price_fen, unit, description, in_stock, created_at,
           updated_at, photo_id
    FROM products;
DROP TABLE products;
ALTER TABLE products_new RENAME TO products;
CREATE INDEX products_category ON products (category);
