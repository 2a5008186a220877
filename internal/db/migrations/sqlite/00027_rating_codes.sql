-- +goose Up
-- A finished project is rated by the residents it served, each once: the
-- lead hands out single-use links (printed slips with a QR code, or sent),
-- and a rating spends its link. projects.rate_token, the one shared link
-- before, stays only because SQLite cannot drop a UNIQUE column in place.
CREATE TABLE project_rating_codes (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    code       TEXT NOT NULL UNIQUE,
    issued_by  INTEGER REFERENCES users(id),
    issued_at  TIMESTAMP NOT NULL,
    used_at    TIMESTAMP,
    rating_id  INTEGER UNIQUE REFERENCES project_ratings(id) -- the one rating it gave
);
CREATE INDEX project_rating_codes_project ON project_rating_codes(project_id);

-- +goose Down
DROP TABLE project_rating_codes;
