-- +goose Up
-- 三张清单 (DOMAIN.md §4): residents' needs, the resources regional units,
-- social organisations and people offer, the proposed and confirmed matches
-- between them, and the service projects that join the two.

CREATE TABLE needs (
    id            INTEGER PRIMARY KEY,
    title         TEXT NOT NULL,
    detail        TEXT NOT NULL DEFAULT '',
    category      TEXT NOT NULL,
    area_code     TEXT NOT NULL REFERENCES areas(code),
    area_path     TEXT NOT NULL,
    windows       TEXT NOT NULL DEFAULT '',   -- weekly time windows, lists.Windows text ("1-5 19:00-07:00; 6 08:00-12:00")
    beneficiaries INTEGER NOT NULL DEFAULT 0 CHECK (beneficiaries >= 0),
    urgency       TEXT NOT NULL DEFAULT 'normal' CHECK (urgency IN ('low','normal','high')),
    status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','matched','served','closed')),
    source        TEXT NOT NULL DEFAULT 'staff' CHECK (source IN ('staff','demands','visit')),
    created_by    INTEGER REFERENCES users(id),
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX needs_path_status ON needs(area_path, status);

-- A demand feeds at most one need; its reporters are the need's beneficiaries.
CREATE TABLE need_demands (
    need_id   INTEGER NOT NULL REFERENCES needs(id) ON DELETE CASCADE,
    demand_id INTEGER NOT NULL UNIQUE REFERENCES demands(id),
    PRIMARY KEY (need_id, demand_id)
);

CREATE TABLE resources (
    id              INTEGER PRIMARY KEY,
    title           TEXT NOT NULL,
    detail          TEXT NOT NULL DEFAULT '',
    kind            TEXT NOT NULL CHECK (kind IN ('venue','parking','volunteer','expertise','funds','materials')),
    categories      TEXT NOT NULL DEFAULT '',  -- need categories it can serve, space-separated codes
    provider_kind   TEXT NOT NULL CHECK (provider_kind IN ('unit','social_org','person')),
    unit_id         INTEGER REFERENCES units(id),
    provider_name   TEXT NOT NULL,
    area_code       TEXT NOT NULL REFERENCES areas(code),
    area_path       TEXT NOT NULL,
    serves_path     TEXT NOT NULL,             -- the subtree it serves (its own area's street by default)
    capacity        INTEGER NOT NULL CHECK (capacity > 0),
    capacity_unit   TEXT NOT NULL CHECK (capacity_unit IN ('spaces','hours_per_week','people','fen','items')),
    windows         TEXT NOT NULL DEFAULT '',  -- weekly availability, lists.Windows text
    available_from  TEXT NOT NULL DEFAULT '',  -- YYYY-MM-DD, empty: no start
    available_until TEXT NOT NULL DEFAULT '',  -- YYYY-MM-DD, empty: no end
    conditions      TEXT NOT NULL DEFAULT '',
    address         TEXT NOT NULL DEFAULT '',
    lat             REAL,
    lng             REAL,
    status          TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','paused','retired')),
    created_by      INTEGER REFERENCES users(id),
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX resources_path_status ON resources(area_path, status);
CREATE INDEX resources_unit ON resources(unit_id);

-- A pairing of a need with a resource: proposed by the engine (or a person)
-- with its score and reasons, confirmed or declined by a person, never applied on its own.
CREATE TABLE matches (
    id           INTEGER PRIMARY KEY,
    need_id      INTEGER NOT NULL REFERENCES needs(id) ON DELETE CASCADE,
    resource_id  INTEGER NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    amount       INTEGER NOT NULL DEFAULT 1 CHECK (amount > 0), -- capacity taken
    score        INTEGER NOT NULL DEFAULT 0,                    -- 0..1000
    reasons      TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT 'confirmed' CHECK (status IN ('confirmed','accepted','declined','cancelled')),
    created_by   INTEGER REFERENCES users(id),
    created_at   TIMESTAMP NOT NULL,
    accepted_by  INTEGER REFERENCES users(id),
    accepted_at  TIMESTAMP
);
CREATE INDEX matches_need ON matches(need_id);
CREATE INDEX matches_resource ON matches(resource_id, status);

CREATE TABLE projects (
    id               INTEGER PRIMARY KEY,
    title            TEXT NOT NULL,
    summary          TEXT NOT NULL DEFAULT '',
    domain           TEXT NOT NULL CHECK (domain IN ('livelihood','governance','culture','environment','safety','other')),
    level            TEXT NOT NULL CHECK (level IN ('district','street','residential')),
    area_code        TEXT NOT NULL REFERENCES areas(code),
    area_path        TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed','approved','running','done','evaluated','cancelled')),
    source           TEXT NOT NULL DEFAULT 'direct' CHECK (source IN ('direct','match','deliberation','topic')),
    lead_unit_id     INTEGER REFERENCES units(id),
    lead_name        TEXT NOT NULL DEFAULT '',
    claimable        BOOLEAN NOT NULL DEFAULT FALSE,  -- published for units to claim (认领)
    budget_fen       BIGINT NOT NULL DEFAULT 0 CHECK (budget_fen >= 0),
    funding          TEXT NOT NULL DEFAULT '',        -- funding sources, free text
    beneficiaries    INTEGER NOT NULL DEFAULT 0 CHECK (beneficiaries >= 0),
    need_id          INTEGER REFERENCES needs(id),
    match_id         INTEGER REFERENCES matches(id),
    starts_on        TEXT NOT NULL DEFAULT '',
    ends_on          TEXT NOT NULL DEFAULT '',
    rate_token       TEXT NOT NULL UNIQUE,            -- the link residents served rate it with
    created_by       INTEGER REFERENCES users(id),
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
CREATE INDEX projects_path_status ON projects(area_path, status);
CREATE INDEX projects_created ON projects(created_at);

CREATE TABLE project_units (
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    role       TEXT NOT NULL DEFAULT 'partner' CHECK (role IN ('partner','claimant')),
    PRIMARY KEY (project_id, unit_id)
);

CREATE TABLE project_milestones (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    title      TEXT NOT NULL,
    due_on     TEXT NOT NULL DEFAULT '',
    done_at    TIMESTAMP
);
CREATE INDEX project_milestones_project ON project_milestones(project_id);

-- Everything that happened to a need, resource or project, for its page's timeline.
CREATE TABLE list_events (
    id          INTEGER PRIMARY KEY,
    entity      TEXT NOT NULL CHECK (entity IN ('need','resource','project')),
    entity_id   INTEGER NOT NULL,
    at          TIMESTAMP NOT NULL,
    actor_id    INTEGER REFERENCES users(id),
    actor_name  TEXT NOT NULL,
    action      TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX list_events_entity ON list_events(entity, entity_id, id);

-- Residents' rating at the end, one per served phone (hashed) or link use.
CREATE TABLE project_ratings (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    score      INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment    TEXT NOT NULL DEFAULT '',
    at         TIMESTAMP NOT NULL
);
CREATE INDEX project_ratings_project ON project_ratings(project_id);

-- +goose Down
DROP TABLE project_ratings;
DROP TABLE list_events;
DROP TABLE project_milestones;
DROP TABLE project_units;
DROP TABLE projects;
DROP TABLE matches;
DROP TABLE resources;
DROP TABLE need_demands;
DROP TABLE needs;
