-- Users of every platform, markets, stalls, products and per-user conversation state.
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    platform_user_id TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    display_name TEXT NOT NULL DEFAULT '',
    platform_language TEXT,
    language TEXT CHECK (language IN ('zh', 'en')),
    is_secretary INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    UNIQUE (platform, platform_user_id)
);

CREATE TABLE conversations (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    state TEXT,
    data TEXT NOT NULL DEFAULT '{}',
    choices TEXT NOT NULL DEFAULT '[]',
    updated_at TEXT NOT NULL
);

CREATE TABLE markets (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    place TEXT NOT NULL,
    opens TEXT NOT NULL,
    closes TEXT NOT NULL,
    timezone TEXT NOT NULL DEFAULT 'Asia/Shanghai',
    created_at TEXT NOT NULL
);

CREATE TABLE stalls (
    id INTEGER PRIMARY KEY,
    market_id INTEGER NOT NULL REFERENCES markets (id),
    owner_id INTEGER UNIQUE REFERENCES users (id),
    name TEXT NOT NULL,
    vendor_name TEXT NOT NULL,
    village TEXT NOT NULL DEFAULT '',
    phone TEXT,
    intro TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'suspended')),
    reviewed_by INTEGER REFERENCES users (id),
    reviewed_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (market_id, name)
);
CREATE INDEX stalls_status ON stalls (status);

CREATE TABLE products (
    id INTEGER PRIMARY KEY,
    stall_id INTEGER NOT NULL REFERENCES stalls (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    price_fen INTEGER NOT NULL CHECK (price_fen > 0),
    unit TEXT NOT NULL,
    photo TEXT,
    photo_platform TEXT,
    description TEXT NOT NULL DEFAULT '',
    in_stock INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (stall_id, name)
);
CREATE INDEX products_category ON products (category);
