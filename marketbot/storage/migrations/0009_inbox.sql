-- Every update a platform delivered that the bot handled, by the platform's own id for it
-- (Telegram's update_id, WeChat's MsgId): committed with the turn that handled it, so an update
-- delivered again after a crash (it was never confirmed) is recognised and not handled twice.
CREATE TABLE inbox (
    platform TEXT NOT NULL,
    update_key TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (platform, update_key)
);
CREATE INDEX inbox_received ON inbox (received_at);
