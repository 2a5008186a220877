-- +goose Up
-- Area tree: district → street/town → residential area → grid (lanes optional).
-- path is the materialized path (/310104/04/017/3/) so a scope check is one prefix match.
CREATE TABLE areas (
    code        TEXT PRIMARY KEY,
    parent_code TEXT REFERENCES areas(code),
    name        TEXT NOT NULL,
    level       TEXT NOT NULL CHECK (level IN ('district','street','residential','grid','lane')),
    path        TEXT NOT NULL UNIQUE,
    sort        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX areas_parent ON areas(parent_code, sort);

CREATE TABLE party_orgs (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    area_code   TEXT NOT NULL REFERENCES areas(code),
    area_path   TEXT NOT NULL,
    parent_id   INTEGER REFERENCES party_orgs(id),
    unit_id     INTEGER,
    members     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX party_orgs_path ON party_orgs(area_path);

CREATE TABLE units (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('regional_unit','non_public_enterprise','social_organization','shop')),
    area_code        TEXT NOT NULL REFERENCES areas(code),
    area_path        TEXT NOT NULL,
    has_party_org    BOOLEAN NOT NULL DEFAULT FALSE,
    platform_covered BOOLEAN NOT NULL DEFAULT FALSE,
    address          TEXT NOT NULL DEFAULT '',
    employees        INTEGER NOT NULL DEFAULT 0,
    party_members    INTEGER NOT NULL DEFAULT 0,
    contact_phone    TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    UNIQUE (area_code, name)
);
-- Coverage and unit lists filter by subtree then kind.
CREATE INDEX units_path_kind ON units(area_path, kind);
CREATE INDEX units_kind_path ON units(kind, area_path);

-- Regional party-building promotion association (区域党建促进会): district
-- committees, street branches, residential sub-branches.
CREATE TABLE assoc_bodies (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('committee','branch','sub_branch')),
    name           TEXT NOT NULL,
    field          TEXT NOT NULL DEFAULT '',
    president_mode TEXT NOT NULL DEFAULT 'single' CHECK (president_mode IN ('single','rotating','double')),
    area_code      TEXT NOT NULL REFERENCES areas(code),
    area_path      TEXT NOT NULL,
    parent_id      INTEGER REFERENCES assoc_bodies(id)
);
CREATE INDEX assoc_bodies_path ON assoc_bodies(area_path);

CREATE TABLE assoc_members (
    body_id    INTEGER NOT NULL REFERENCES assoc_bodies(id),
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    role       TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('member','president','rotating_president','vice_president')),
    term_start TEXT NOT NULL DEFAULT '',
    term_end   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (body_id, unit_id)
);

-- Part-time committee members (兼职委员): leaders of regional units on street/community committees.
CREATE TABLE part_time_members (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    position     TEXT NOT NULL DEFAULT '',
    unit_id      INTEGER REFERENCES units(id),
    party_org_id INTEGER NOT NULL REFERENCES party_orgs(id),
    area_code    TEXT NOT NULL REFERENCES areas(code),
    area_path    TEXT NOT NULL,
    phone        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX part_time_members_path ON part_time_members(area_path);

-- Party-mass service points (党群服务点/站).
CREATE TABLE service_points (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    area_code     TEXT NOT NULL REFERENCES areas(code),
    area_path     TEXT NOT NULL,
    address       TEXT NOT NULL DEFAULT '',
    opening_hours TEXT NOT NULL DEFAULT '',
    services      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX service_points_path ON service_points(area_path);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL DEFAULT '',
    phone         TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL DEFAULT '',
    lang          TEXT NOT NULL DEFAULT '',
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMP NOT NULL
);

-- A grant gives a role on an area and its whole subtree.
CREATE TABLE grants (
    id        INTEGER PRIMARY KEY,
    user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role      TEXT NOT NULL,
    area_code TEXT NOT NULL REFERENCES areas(code),
    area_path TEXT NOT NULL,
    UNIQUE (user_id, role, area_code)
);
CREATE INDEX grants_path ON grants(area_path);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    label        TEXT NOT NULL DEFAULT '',
    prefix       TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

-- Every change writes one row here in the same transaction as the change.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         TIMESTAMP NOT NULL,
    actor_id   INTEGER,
    actor_name TEXT NOT NULL,
    action     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    area_path  TEXT NOT NULL DEFAULT '',
    before     TEXT NOT NULL DEFAULT '',
    after      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);
CREATE INDEX audit_log_path ON audit_log(area_path);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE grants;
DROP TABLE users;
DROP TABLE service_points;
DROP TABLE part_time_members;
DROP TABLE assoc_members;
DROP TABLE assoc_bodies;
DROP TABLE units;
DROP TABLE party_orgs;
DROP TABLE areas;
