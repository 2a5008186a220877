-- +goose Up
-- Notice kinds are an open set: each capability adds its own (activities,
-- bookings, votes …), so the inbox no longer lists them in a CHECK. SQLite
-- cannot drop a constraint, so the table is rebuilt once, keeping every row
-- and id.
CREATE TABLE inbox_new (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL DEFAULT '',
    link       TEXT NOT NULL DEFAULT '',
    entity     TEXT NOT NULL DEFAULT '',
    entity_id  TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    read_at    TIMESTAMP,
    title_code TEXT NOT NULL DEFAULT '',
    title_args TEXT NOT NULL DEFAULT '{}'
);
INSERT INTO inbox_new (id, user_id, kind, title, body, link, entity, entity_id, created_at, read_at, title_code, title_args)
SELECT id, user_id, kind, title, body, link, entity, entity_id, created_at, read_at, title_code, title_args FROM inbox;
DROP TABLE inbox;
ALTER TABLE inbox_new RENAME TO inbox;
CREATE INDEX inbox_user ON inbox(user_id, id);
CREATE INDEX inbox_unread ON inbox(user_id) WHERE read_at IS NULL;

-- +goose Down
SELECT 1; -- the constraint is not put back: rows of newer kinds would break it
