-- +goose Up
-- Demand categories (诉求分类) with SLA limits: a Go duration (45m, 2h) or working days (5wd).
CREATE TABLE demand_categories (
    code          TEXT PRIMARY KEY,
    parent_code   TEXT REFERENCES demand_categories(code),
    name          TEXT NOT NULL,
    name_en       TEXT NOT NULL DEFAULT '',
    contact_limit TEXT NOT NULL,
    resolve_limit TEXT NOT NULL,
    keywords      TEXT NOT NULL DEFAULT '',
    attributes    TEXT NOT NULL DEFAULT '[]',
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    sort          INTEGER NOT NULL DEFAULT 0
);

-- Routing: which body handles a category in an area (and its subtree) by default.
CREATE TABLE demand_routes (
    id            INTEGER PRIMARY KEY,
    category_code TEXT NOT NULL REFERENCES demand_categories(code),
    area_code     TEXT NOT NULL REFERENCES areas(code),
    area_path     TEXT NOT NULL,
    body_area     TEXT NOT NULL REFERENCES areas(code),
    body_unit_id  INTEGER REFERENCES units(id),
    UNIQUE (category_code, area_code)
);

-- Working-day calendar: holidays and make-up working days (调休).
CREATE TABLE calendar_days (
    day  TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('holiday','workday')),
    name TEXT NOT NULL DEFAULT ''
);

CREATE TABLE demands (
    id                 INTEGER PRIMARY KEY,
    category_code      TEXT NOT NULL REFERENCES demand_categories(code),
    channel            TEXT NOT NULL,
    status             TEXT NOT NULL,
    area_code          TEXT NOT NULL REFERENCES areas(code),
    area_path          TEXT NOT NULL,
    lat                REAL,
    lng                REAL,
    address            TEXT NOT NULL DEFAULT '',
    description        TEXT NOT NULL,
    attributes         TEXT NOT NULL DEFAULT '{}',
    owner_area         TEXT NOT NULL REFERENCES areas(code),
    lead_area          TEXT REFERENCES areas(code),
    lead_unit_id       INTEGER REFERENCES units(id),
    round              INTEGER NOT NULL DEFAULT 1,
    returns            INTEGER NOT NULL DEFAULT 0,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    contact_due        TIMESTAMP NOT NULL,
    resolve_due        TIMESTAMP NOT NULL,
    contacted_at       TIMESTAMP,
    contact_lapsed     BOOLEAN NOT NULL DEFAULT FALSE,
    resolved_at        TIMESTAMP,
    closed_at          TIMESTAMP,
    outcome            TEXT NOT NULL DEFAULT '',
    resolution         TEXT NOT NULL DEFAULT '',
    satisfaction       TEXT NOT NULL DEFAULT '',
    solved             BOOLEAN,
    overdue            BOOLEAN NOT NULL DEFAULT FALSE,
    escalation_level   INTEGER NOT NULL DEFAULT 0,
    ext_due            TIMESTAMP,
    ext_reason         TEXT NOT NULL DEFAULT '',
    duplicate_of       INTEGER REFERENCES demands(id),
    unreasonable       TEXT NOT NULL DEFAULT '',
    unreasonable_by    INTEGER,
    unreasonable_note  TEXT NOT NULL DEFAULT '',
    created_by         INTEGER,
    search_text        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX demands_path_created ON demands(area_path, created_at);
CREATE INDEX demands_status ON demands(status, area_path);
CREATE INDEX demands_created ON demands(created_at);
CREATE INDEX demands_dup ON demands(duplicate_of);
-- Duplicate checks look up the same or related categories in a street; queues look up owners and leads.
CREATE INDEX demands_cat_path ON demands(category_code, area_path, created_at);
CREATE INDEX demands_owner ON demands(owner_area, status);
CREATE INDEX demands_lead ON demands(lead_area, status);
CREATE INDEX demands_updated ON demands(updated_at);

-- Chinese full-text search over the bigram column (trigram indexes miss two-character words such as 噪音).
CREATE VIRTUAL TABLE demands_fts USING fts5(search_text, content='demands', content_rowid='id', tokenize='unicode61');
-- +goose StatementBegin
CREATE TRIGGER demands_fts_ai AFTER INSERT ON demands BEGIN
    INSERT INTO demands_fts(rowid, search_text) VALUES (new.id, new.search_text);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER demands_fts_ad AFTER DELETE ON demands BEGIN
    INSERT INTO demands_fts(demands_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER demands_fts_au AFTER UPDATE OF search_text ON demands BEGIN
    INSERT INTO demands_fts(demands_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO demands_fts(rowid, search_text) VALUES (new.id, new.search_text);
END;
-- +goose StatementEnd

-- Everyone who reported a demand; merging moves reporters to the surviving demand.
-- tracking_hash is the SHA-256 of the private tracking link's token.
CREATE TABLE demand_reporters (
    id            INTEGER PRIMARY KEY,
    demand_id     INTEGER NOT NULL REFERENCES demands(id),
    original_id   INTEGER NOT NULL,
    name          TEXT NOT NULL DEFAULT '',
    phone         TEXT NOT NULL DEFAULT '',
    email         TEXT NOT NULL DEFAULT '',
    tracking_hash TEXT NOT NULL UNIQUE,
    satisfaction  TEXT NOT NULL DEFAULT '',
    solved        BOOLEAN,
    rated_at      TIMESTAMP,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX demand_reporters_demand ON demand_reporters(demand_id);

CREATE TABLE demand_co_bodies (
    demand_id INTEGER NOT NULL REFERENCES demands(id),
    area_code TEXT NOT NULL REFERENCES areas(code),
    PRIMARY KEY (demand_id, area_code)
);

-- The timeline: every step is an event.
CREATE TABLE demand_events (
    id          INTEGER PRIMARY KEY,
    demand_id   INTEGER NOT NULL REFERENCES demands(id),
    at          TIMESTAMP NOT NULL,
    actor_id    INTEGER,
    actor_name  TEXT NOT NULL,
    action      TEXT NOT NULL,
    from_status TEXT NOT NULL DEFAULT '',
    to_status   TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    data        TEXT NOT NULL DEFAULT '',
    public      BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE INDEX demand_events_demand ON demand_events(demand_id, id);

-- Durable timers (SLA reminders, deadlines, escalation); they survive restarts.
CREATE TABLE timers (
    id        INTEGER PRIMARY KEY,
    kind      TEXT NOT NULL,
    demand_id INTEGER NOT NULL REFERENCES demands(id),
    due_at    TIMESTAMP NOT NULL,
    done_at   TIMESTAMP,
    level     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX timers_due ON timers(done_at, due_at);
CREATE INDEX timers_demand ON timers(demand_id);

-- Rollups of the three rates per area (each demand counts at its district,
-- street and residential area), category and received day, kept up to date
-- in the same transaction as every change.
CREATE TABLE demand_rollups (
    area_path     TEXT NOT NULL,
    category_code TEXT NOT NULL,
    day           TEXT NOT NULL,
    received      INTEGER NOT NULL DEFAULT 0,
    response_base INTEGER NOT NULL DEFAULT 0,
    responded     INTEGER NOT NULL DEFAULT 0,
    rated         INTEGER NOT NULL DEFAULT 0,
    solved        INTEGER NOT NULL DEFAULT 0,
    satisfied     INTEGER NOT NULL DEFAULT 0,
    overdue       INTEGER NOT NULL DEFAULT 0,
    open          INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (area_path, day, category_code)
);

-- Grid outlines, so a demand filed with lat/lng lands in the grid that contains it.
CREATE TABLE area_shapes (
    area_code TEXT PRIMARY KEY REFERENCES areas(code),
    min_lat   REAL NOT NULL,
    max_lat   REAL NOT NULL,
    min_lng   REAL NOT NULL,
    max_lng   REAL NOT NULL,
    polygon   TEXT NOT NULL
);
CREATE INDEX area_shapes_box ON area_shapes(min_lat, max_lat, min_lng, max_lng);

-- +goose Down
DROP TABLE area_shapes;
DROP TABLE demand_rollups;
DROP TABLE timers;
DROP TABLE demand_events;
DROP TABLE demand_co_bodies;
DROP TABLE demand_reporters;
DROP TABLE demands_fts;
DROP TABLE demands;
DROP TABLE calendar_days;
DROP TABLE demand_routes;
DROP TABLE demand_categories;
