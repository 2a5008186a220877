-- +goose Up
-- Staff e-mail addresses, for e-mailed copies of inbox notices. Empty means none.
ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';

-- Inbox (站内信): one row per recipient, written in the same transaction as
-- the change it tells about.
CREATE TABLE inbox (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('assignment','reminder','escalation','return','extension','callback','info')),
    title      TEXT NOT NULL,
    body       TEXT NOT NULL DEFAULT '',
    link       TEXT NOT NULL DEFAULT '',
    entity     TEXT NOT NULL DEFAULT '',
    entity_id  TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    read_at    TIMESTAMP
);
-- A user's inbox, newest first; the partial index keeps the unread badge cheap.
CREATE INDEX inbox_user ON inbox(user_id, id);
CREATE INDEX inbox_unread ON inbox(user_id) WHERE read_at IS NULL;

-- Outgoing webhooks configured by the district admin. The secret is kept
-- in clear because signing needs it; it is shown once and never listed.
CREATE TABLE webhooks (
    id         INTEGER PRIMARY KEY,
    url        TEXT NOT NULL,
    secret     TEXT NOT NULL,
    events     TEXT NOT NULL DEFAULT '*',
    active     BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL
);

-- Durable outbox of webhook deliveries: enqueued with the change, sent and
-- retried by the dispatcher. payload is the exact JSON body that is signed.
CREATE TABLE webhook_deliveries (
    id               INTEGER PRIMARY KEY,
    webhook_id       INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event            TEXT NOT NULL,
    payload          TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','delivered','failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMP NOT NULL,
    last_status_code INTEGER,
    last_error       TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMP NOT NULL,
    delivered_at     TIMESTAMP
);
-- The dispatcher reads only due pending rows, oldest first.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_hook ON webhook_deliveries(webhook_id, id);

-- Durable outbox of e-mails (one recipient a row, so a bad address delays
-- only itself and recipients never see each other).
CREATE TABLE email_outbox (
    id              INTEGER PRIMARY KEY,
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','delivered','failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    delivered_at    TIMESTAMP
);
CREATE INDEX email_outbox_due ON email_outbox(next_attempt_at, id) WHERE status = 'pending';

-- +goose Down
DROP TABLE email_outbox;
DROP TABLE webhook_deliveries;
DROP TABLE webhooks;
DROP TABLE inbox;
ALTER TABLE users DROP COLUMN email;
