-- +goose Up
-- Tracking without the long link (issue 8): every reporter row gets a short
-- code a hotline operator reads out and a resident types alone at /track
-- (8 characters of 23456789ABCDEFGHJKMNPQRSTUVWXYZ, no 0/O/1/I/L; see
-- docs/decisions.md), kept in plain text so staff can read it out again and
-- an SMS can carry it. user_id is the resident account that filed the
-- report while signed in ("我的诉求"); NULL for everyone else.
ALTER TABLE demand_reporters ADD COLUMN short_code TEXT;
ALTER TABLE demand_reporters ADD COLUMN user_id INTEGER REFERENCES users(id);

-- Existing reports get a code here, one UPDATE over the table (about 0.3 s
-- for the demo's 100,000 rows). A random draw may repeat a code (about one
-- chance in 170 at 100,000 rows): the later rows of a repeated code go back
-- to NULL, and the server gives them fresh codes when it starts
-- (demand.FillShortCodes), before the unique index is relied on.
UPDATE demand_reporters SET short_code =
    substr('23456789ABCDEFGHJKMNPQRSTUVWXYZ', 1 + (random() & 1073741823) % 31, 1) ||
    substr('23456789ABCDEFGHJKMNPQRSTUVWXYZ', 1 + (random() & 1073741823) % 31, 1) ||
    substr('23456789ABCDEFGHJKMNPQRSTUVWXYZ', 1 + (random() & 1073741823) % 31, 1) ||
    substr('23456789ABCDEFGHJKMNPQRSTUVWXYZ', 1 + (random() & 1073741823) % 31, 1) ||
    substr('23456789ABCDEFGHJKMNPQRSTUVWXYZ', 1 + (random() & 1073741823) % 31, 1) ||
    substr('23456789ABCDEFGHJKMNPQRSTUVWXYZ', 1 + (random() & 1073741823) % 31, 1) ||
    substr('23456789ABCDEFGHJKMNPQRSTUVWXYZ', 1 + (random() & 1073741823) % 31, 1) ||
    substr('23456789ABCDEFGHJKMNPQRSTUVWXYZ', 1 + (random() & 1073741823) % 31, 1);
UPDATE demand_reporters SET short_code = NULL
    WHERE id NOT IN (SELECT min(id) FROM demand_reporters GROUP BY short_code);
CREATE UNIQUE INDEX demand_reporters_short_code ON demand_reporters(short_code);
CREATE INDEX demand_reporters_user ON demand_reporters(user_id) WHERE user_id IS NOT NULL;

-- Text messages (短信) through the configured HTTP gateway, like
-- email_outbox: a row per message written in the transaction of the change
-- that sends it, and a notify.sms job keyed by its id that posts it with
-- retries. entity/entity_id say what it was about (demand, 123), so a
-- demand's messages can be counted; the phone stays here and is masked
-- wherever a page shows it.
CREATE TABLE sms_outbox (
    id              INTEGER PRIMARY KEY,
    recipient       TEXT NOT NULL,
    body            TEXT NOT NULL,
    entity          TEXT NOT NULL DEFAULT '',
    entity_id       TEXT NOT NULL DEFAULT '',
    created_by      INTEGER REFERENCES users(id),
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','delivered','failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    delivered_at    TIMESTAMP
);
CREATE INDEX sms_outbox_entity ON sms_outbox(entity, entity_id, created_at);

-- +goose Down
DROP TABLE sms_outbox;
DROP INDEX demand_reporters_user;
DROP INDEX demand_reporters_short_code;
ALTER TABLE demand_reporters DROP COLUMN user_id;
ALTER TABLE demand_reporters DROP COLUMN short_code;
