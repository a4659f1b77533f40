-- Whether visitors may see the stall's phone: the vendor chooses (asked at registration and in
-- "my stall"); no stall shows its phone without that consent.
ALTER TABLE stalls ADD COLUMN show_phone INTEGER NOT NULL DEFAULT 0;
