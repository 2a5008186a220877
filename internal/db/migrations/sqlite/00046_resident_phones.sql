-- +goose Up
-- Residents take part in topics with only their mobile phone (issue 11):
-- a code sent by SMS proves the phone, and the residents' committee's roll
-- of residents' mobile numbers (居民手机名册) says which residential areas
-- a phone acts in. A phone may be on several areas' rolls (two flats).
CREATE TABLE resident_phones (
    area_code     TEXT NOT NULL REFERENCES areas(code),
    area_path     TEXT NOT NULL,
    phone         TEXT NOT NULL, -- 11 digits (notify.MobileNumber); shown masked everywhere
    household     TEXT NOT NULL DEFAULT '', -- 门牌, optional
    added_by      INTEGER REFERENCES users(id),
    added_by_name TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (area_code, phone)
);
CREATE INDEX resident_phones_phone ON resident_phones(phone);
CREATE INDEX resident_phones_path ON resident_phones(area_path);

-- Sign-in codes sent by SMS: only a hash of phone and code is kept. The
-- rows also count a phone's codes of the day (persistent limits).
CREATE TABLE phone_codes (
    id         INTEGER PRIMARY KEY,
    phone      TEXT NOT NULL,
    code_hash  TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used       BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX phone_codes_phone ON phone_codes(phone, created_at);

-- A verified phone's session: only the token's hash is kept.
CREATE TABLE phone_sessions (
    token_hash TEXT PRIMARY KEY,
    phone      TEXT NOT NULL,
    csrf       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX phone_sessions_phone ON phone_sessions(phone);

-- One support per phone and topic (topic_supports holds those of accounts).
CREATE TABLE topic_phone_supports (
    topic_id INTEGER NOT NULL REFERENCES topics(id),
    phone    TEXT NOT NULL,
    PRIMARY KEY (topic_id, phone)
);
CREATE INDEX topic_phone_supports_phone ON topic_phone_supports(phone);

-- The phone that raised a topic, so it finds "my topics"; never shown.
ALTER TABLE topics ADD COLUMN raised_by_phone TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE topics DROP COLUMN raised_by_phone;
DROP TABLE topic_phone_supports;
DROP TABLE phone_sessions;
DROP TABLE phone_codes;
DROP TABLE resident_phones;
