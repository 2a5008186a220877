-- +goose Up
-- Photos and files attached to a demand (附件), kept in the database itself:
-- a file is stored in the transaction that files or updates the demand, so
-- an acknowledged upload is as durable as the demand, and a backup of the
-- database holds everything. data is the last column: SQLite keeps a large
-- value on overflow pages it never reads when a query lists the metadata.
CREATE TABLE demand_attachments (
    id           INTEGER PRIMARY KEY,
    demand_id    INTEGER NOT NULL REFERENCES demands(id),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    at_intake    BOOLEAN NOT NULL DEFAULT FALSE, -- filed with the report: the reporter sees it through the tracking link
    uploaded_by  INTEGER,                        -- the staff member; NULL for a resident without an account
    uploader     TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    data         BLOB NOT NULL
);
CREATE INDEX demand_attachments_demand ON demand_attachments(demand_id, id);

-- A link to a photo given by an Open311 client (media_url); published as given.
ALTER TABLE demands ADD COLUMN media_url TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE demands DROP COLUMN media_url;
DROP TABLE demand_attachments;
