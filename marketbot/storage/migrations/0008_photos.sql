-- Photos stored once, as bytes, whatever platform they came from; each platform caches its own
-- id for a photo (Telegram's file_id, WeChat's media_id) beside it. Photos known only by a
-- platform's id (from before this migration) keep that id and no bytes.
CREATE TABLE photos (
    id INTEGER PRIMARY KEY,
    digest TEXT NOT NULL UNIQUE,
    mime TEXT NOT NULL DEFAULT 'image/jpeg',
    data BLOB,
    created_at TEXT NOT NULL
);

CREATE TABLE photo_platform_ids (
    photo_id INTEGER NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
    platform TEXT NOT NULL,
    file_id TEXT NOT NULL,
    PRIMARY KEY (photo_id, platform)
);

INSERT OR IGNORE INTO photos (digest, data, created_at)
    SELECT 'platform:' || photo_platform || ':' || photo, NULL, created_at
    FROM products WHERE photo IS NOT NULL AND photo_platform IS NOT NULL;
INSERT OR IGNORE INTO photos (digest, data, created_at)
    SELECT 'platform:' || photo_platform || ':' || photo, NULL, created_at
    FROM broadcasts WHERE photo IS NOT NULL AND photo_platform IS NOT NULL;
INSERT OR IGNORE INTO photo_platform_ids (photo_id, platform, file_id)
    SELECT ph.id, p.photo_platform, p.photo FROM products p
    JOIN photos ph ON ph.digest = 'platform:' || p.photo_platform || ':' || p.photo;
INSERT OR IGNORE INTO photo_platform_ids (photo_id, platform, file_id)
    SELECT ph.id, b.photo_platform, b.photo FROM broadcasts b
    JOIN photos ph ON ph.digest = 'platform:' || b.photo_platform || ':' || b.photo;

ALTER TABLE products ADD COLUMN photo_id INTEGER REFERENCES photos (id);
UPDATE products SET photo_id = (
    SELECT id FROM photos WHERE digest = 'platform:' || products.photo_platform || ':' || products.photo
) WHERE photo IS NOT NULL;
ALTER TABLE products DROP COLUMN photo;
ALTER TABLE products DROP COLUMN photo_platform;

ALTER TABLE broadcasts ADD COLUMN photo_id INTEGER REFERENCES photos (id);
UPDATE broadcasts SET photo_id = (
    SELECT id FROM photos WHERE digest = 'platform:' || broadcasts.photo_platform || ':' || broadcasts.photo
) WHERE photo IS NOT NULL;
ALTER TABLE broadcasts DROP COLUMN photo;
ALTER TABLE broadcasts DROP COLUMN photo_platform;
