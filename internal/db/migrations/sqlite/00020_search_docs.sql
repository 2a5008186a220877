-- +goose Up
-- The search index every capability shares (internal/search): one row per
-- record of any kind, with its text as index tokens and its filter tokens
-- (its kind, its area and every ancestor, whatever its lists filter on).
-- Demands keep their own index, tuned for a million rows.
CREATE TABLE search_docs (
    id        INTEGER PRIMARY KEY,
    kind      TEXT NOT NULL,
    ref       INTEGER NOT NULL,
    area_path TEXT NOT NULL,
    text      TEXT NOT NULL,
    tags      TEXT NOT NULL,
    UNIQUE (kind, ref)
);
-- search.Put keeps this copy in the same transaction (rowid = search_docs.id).
CREATE VIRTUAL TABLE search_docs_fts USING fts5(text, tags, tokenize='unicode61');

-- +goose Down
DROP TABLE search_docs_fts;
DROP TABLE search_docs;
