-- +goose Up
-- Cadres (干部, issue 10 item 6): residential-area secretaries and sent-down
-- young cadres (下沉年轻干部, in numbered batches), their training, a yearly
-- evaluation whose figures come from the platform itself (demands, projects,
-- dual-reported members' service) plus a reviewer's score and review, and
-- mentoring pairs (结对带教) of regional-unit and two-new secretaries.
CREATE TABLE cadres (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('secretary','young_cadre')),
    name       TEXT NOT NULL,
    user_id    INTEGER REFERENCES users(id),             -- the cadre's own sign-in, if any
    area_code  TEXT NOT NULL REFERENCES areas(code),     -- the residential area served
    area_path  TEXT NOT NULL,
    batch      INTEGER NOT NULL DEFAULT 0,               -- young cadres: 1, 2 …; secretaries 0
    since      TEXT NOT NULL DEFAULT '',                 -- YYYY-MM-DD
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX cadres_path ON cadres(area_path, kind);

CREATE TABLE cadre_trainings (
    id         INTEGER PRIMARY KEY,
    cadre_id   INTEGER NOT NULL REFERENCES cadres(id),
    course     TEXT NOT NULL,
    held_on    TEXT NOT NULL,                            -- YYYY-MM-DD
    minutes    INTEGER NOT NULL CHECK (minutes > 0),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX cadre_trainings_cadre ON cadre_trainings(cadre_id, held_on);

-- One evaluation a cadre a year; the figures are a snapshot of what the
-- platform showed when the reviewer saved it.
CREATE TABLE cadre_evaluations (
    id              INTEGER PRIMARY KEY,
    cadre_id        INTEGER NOT NULL REFERENCES cadres(id),
    year            INTEGER NOT NULL,
    demands         INTEGER NOT NULL,
    answered        INTEGER NOT NULL,
    on_time         INTEGER NOT NULL,
    projects        INTEGER NOT NULL,
    reported        INTEGER NOT NULL,
    served          INTEGER NOT NULL,
    training_min    INTEGER NOT NULL,
    score           INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
    review          TEXT NOT NULL,
    evidence        TEXT NOT NULL,
    reviewer_id     INTEGER REFERENCES users(id),
    reviewer_name   TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    UNIQUE (cadre_id, year)
);

CREATE TABLE mentor_pairs (
    id             INTEGER PRIMARY KEY,
    mentor_name    TEXT NOT NULL,                        -- a regional unit's party secretary
    mentor_unit_id INTEGER NOT NULL REFERENCES units(id),
    mentee_name    TEXT NOT NULL,                        -- a two-new organisation's secretary
    mentee_unit_id INTEGER NOT NULL REFERENCES units(id),
    area_code      TEXT NOT NULL REFERENCES areas(code), -- the mentee unit's area
    area_path      TEXT NOT NULL,
    since          TEXT NOT NULL,                        -- YYYY-MM-DD
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX mentor_pairs_path ON mentor_pairs(area_path);

CREATE TABLE mentor_meetings (
    id         INTEGER PRIMARY KEY,
    pair_id    INTEGER NOT NULL REFERENCES mentor_pairs(id),
    held_on    TEXT NOT NULL,                            -- YYYY-MM-DD
    topic      TEXT NOT NULL,
    notes      TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX mentor_meetings_pair ON mentor_meetings(pair_id, held_on);

-- +goose Down
DROP TABLE mentor_meetings;
DROP TABLE mentor_pairs;
DROP TABLE cadre_evaluations;
DROP TABLE cadre_trainings;
DROP TABLE cadres;
