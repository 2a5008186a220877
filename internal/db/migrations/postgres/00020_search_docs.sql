-- +goose Up
-- The search index every capability shares (internal/search): one row per
-- record of any kind, with its text as index tokens and its filter tokens
-- (its kind, its area and every ancestor, whatever its lists filter on).
-- Demands keep their own index, tuned for a million rows.
CREATE TABLE search_docs (
    id        BIGSERIAL PRIMARY KEY,
    kind      TEXT NOT NULL,
    ref       BIGINT NOT NULL,
    area_path TEXT NOT NULL,
    text      TEXT NOT NULL,
    tags      TEXT NOT NULL,
    tsv       tsvector GENERATED ALWAYS AS (to_tsvector('simple', text || ' ' || tags)) STORED,
    UNIQUE (kind, ref)
);
CREATE INDEX search_docs_tsv ON search_docs USING GIN (tsv);

-- +goose Down
DROP TABLE search_docs;
