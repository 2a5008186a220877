-- +goose Up
-- A unit import waiting for its previewer to confirm it (org.Service.PreviewUnits):
-- the uploaded file, kept until confirmed or cancelled, or for a day.
CREATE TABLE import_drafts (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    filename   TEXT NOT NULL,
    data       BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX import_drafts_created ON import_drafts(created_at);

-- +goose Down
DROP TABLE import_drafts;
