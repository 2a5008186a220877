-- +goose Up
-- Party members' points (党员积分制, issue 10): versioned rule sets, manual
-- items with evidence and a second person's approval, and an append-only
-- ledger. Modules and member kinds are open sets: no CHECK lists.

-- A rule set is one version of a year's rules for every member kind; a
-- change is a new version (draft) and applying it publishes it.
CREATE TABLE points_rulesets (
    id              INTEGER PRIMARY KEY,
    year            INTEGER NOT NULL,
    version         INTEGER NOT NULL,
    rules           TEXT NOT NULL,                  -- JSON list of rules
    note            TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL,                  -- draft, published, superseded
    created_by      INTEGER REFERENCES users(id),
    created_by_name TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    published_at    TIMESTAMP,
    UNIQUE (year, version)
);

-- Manual items (study, organisational life, pioneer bonus, deductions):
-- proposed with evidence, approved or rejected by another person.
CREATE TABLE points_manual (
    id               INTEGER PRIMARY KEY,
    member_id        INTEGER NOT NULL REFERENCES members(id),
    module           TEXT NOT NULL,
    occurred_at      TIMESTAMP NOT NULL,
    evidence         TEXT NOT NULL,
    area_path        TEXT NOT NULL,                 -- the member's organisation's area, for scope
    status           TEXT NOT NULL,                 -- proposed, approved, rejected
    proposed_by      INTEGER REFERENCES users(id),
    proposed_by_name TEXT NOT NULL DEFAULT '',
    proposed_at      TIMESTAMP NOT NULL,
    decided_by       INTEGER REFERENCES users(id),
    decided_by_name  TEXT NOT NULL DEFAULT '',
    decided_at       TIMESTAMP,
    decision_note    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX points_manual_queue ON points_manual(status, area_path);

-- The ledger: rows are only added. A correction reverses a row with a new
-- negative row naming it (reverses_id), then writes the new points.
CREATE TABLE points_ledger (
    id          INTEGER PRIMARY KEY,
    member_id   INTEGER NOT NULL REFERENCES members(id),
    year        INTEGER NOT NULL,
    module      TEXT NOT NULL,
    points      INTEGER NOT NULL,
    reason      TEXT NOT NULL,                      -- text code, e.g. points.hour
    args        TEXT NOT NULL DEFAULT '{}',         -- JSON arguments of the reason
    source      TEXT NOT NULL,                      -- activity (a verified check-out) or manual
    source_id   INTEGER NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    ruleset_id  INTEGER NOT NULL REFERENCES points_rulesets(id),
    reverses_id INTEGER UNIQUE REFERENCES points_ledger(id),
    area_path   TEXT NOT NULL,                      -- the member's organisation's area, for scope
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX points_ledger_member ON points_ledger(member_id, year);
CREATE INDEX points_ledger_source ON points_ledger(source, source_id);
CREATE INDEX points_ledger_path ON points_ledger(year, area_path);

-- +goose Down
DROP TABLE points_ledger;
DROP TABLE points_manual;
DROP TABLE points_rulesets;
