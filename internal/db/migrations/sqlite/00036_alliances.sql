-- +goose Up
-- Alliances (三联盟, issue 11): an alliance of units, people and offices in an
-- area, with its charter and membership criteria, its members' commitments
-- (承诺) and what was done against them.

CREATE TABLE alliances (
    id              INTEGER PRIMARY KEY,
    area_code       TEXT NOT NULL REFERENCES areas(code),
    area_path       TEXT NOT NULL,
    name            TEXT NOT NULL,
    charter         TEXT NOT NULL,
    criteria        TEXT NOT NULL,
    created_by      INTEGER REFERENCES users(id),
    created_by_name TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    UNIQUE (area_code, name)
);
CREATE INDEX alliances_path ON alliances(area_path);

-- A member: a unit (unit_id set), a person, or an office or service window
-- (where and when it serves in place).
CREATE TABLE alliance_members (
    id          INTEGER PRIMARY KEY,
    alliance_id INTEGER NOT NULL REFERENCES alliances(id),
    kind        TEXT NOT NULL CHECK (kind IN ('unit', 'person', 'office')),
    name        TEXT NOT NULL,
    unit_id     INTEGER REFERENCES units(id),
    duty        TEXT NOT NULL DEFAULT '',
    place       TEXT NOT NULL DEFAULT '',
    joined_on   TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX alliance_members_alliance ON alliance_members(alliance_id);

-- A commitment (承诺) a member makes, with the date it is due.
CREATE TABLE alliance_commitments (
    id          INTEGER PRIMARY KEY,
    alliance_id INTEGER NOT NULL REFERENCES alliances(id),
    member_id   INTEGER NOT NULL REFERENCES alliance_members(id),
    text        TEXT NOT NULL,
    due_on      TEXT NOT NULL,
    done_on     TEXT,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX alliance_commitments_alliance ON alliance_commitments(alliance_id);

-- What was done against a commitment, entry by entry.
CREATE TABLE alliance_progress (
    id            INTEGER PRIMARY KEY,
    commitment_id INTEGER NOT NULL REFERENCES alliance_commitments(id),
    note          TEXT NOT NULL,
    done_on       TEXT NOT NULL,
    by_name       TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX alliance_progress_commitment ON alliance_progress(commitment_id);

-- +goose Down
DROP TABLE alliance_progress;
DROP TABLE alliance_commitments;
DROP TABLE alliance_members;
DROP TABLE alliances;
