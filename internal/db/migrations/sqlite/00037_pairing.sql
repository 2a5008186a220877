-- +goose Up
-- Pairing (结对关爱, issue 10): party members paired with people who need
-- care, the visits and calls they log (approved by the residential area),
-- and the on-call requests the cared-for person or a neighbour sends
-- through a link. Personal data is minimal: no ID numbers; an address is
-- a building and room; a phone is stored once and masked on output.
CREATE TABLE care_people (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,                            -- 独居老人, 残疾人, 困难家庭 … an open set
    name       TEXT NOT NULL,
    area_code  TEXT NOT NULL REFERENCES areas(code),     -- the residential area
    area_path  TEXT NOT NULL,
    address    TEXT NOT NULL DEFAULT '',                 -- building and room only
    phone      TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    token_hash TEXT UNIQUE,                              -- sha256 of the on-call link's token
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX care_people_path ON care_people(area_path, name);

-- A member paired with a person; ended pairs stay for the record.
CREATE TABLE care_pairs (
    id         INTEGER PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES care_people(id),
    member_id  INTEGER NOT NULL REFERENCES members(id),
    area_path  TEXT NOT NULL,                            -- the person's residential area
    started_at TIMESTAMP NOT NULL,
    ended_at   TIMESTAMP
);
CREATE UNIQUE INDEX care_pairs_active ON care_pairs(person_id, member_id) WHERE ended_at IS NULL;
CREATE INDEX care_pairs_member ON care_pairs(member_id);
CREATE INDEX care_pairs_path ON care_pairs(area_path);

-- A visit or call logged by the paired member; the area's staff approve or
-- reject it (a second person). An approved log is verified service.
CREATE TABLE care_logs (
    id         INTEGER PRIMARY KEY,
    pair_id    INTEGER NOT NULL REFERENCES care_pairs(id),
    kind       TEXT NOT NULL,                            -- visit, call
    at         TIMESTAMP NOT NULL,
    minutes    INTEGER NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL,                            -- pending, approved, rejected
    area_path  TEXT NOT NULL,
    logged_by  INTEGER REFERENCES users(id),
    decided_by INTEGER REFERENCES users(id),
    decided_at TIMESTAMP,
    reason     TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX care_logs_pair ON care_logs(pair_id, status, at);
CREATE INDEX care_logs_path ON care_logs(area_path, status);

-- An on-call request (求助) sent through a person's link, without an account.
CREATE TABLE care_requests (
    id         INTEGER PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES care_people(id),
    area_path  TEXT NOT NULL,
    body       TEXT NOT NULL,
    callback   TEXT NOT NULL DEFAULT '',                 -- optional callback number, masked in lists
    status     TEXT NOT NULL,                            -- open, acknowledged, closed
    created_at TIMESTAMP NOT NULL,
    acked_at   TIMESTAMP,
    acked_by   INTEGER REFERENCES users(id),
    closed_at  TIMESTAMP,
    closed_by  INTEGER REFERENCES users(id)
);
CREATE INDEX care_requests_person ON care_requests(person_id, status);
CREATE INDEX care_requests_path ON care_requests(area_path, created_at);

-- +goose Down
DROP TABLE care_requests;
DROP TABLE care_logs;
DROP TABLE care_pairs;
DROP TABLE care_people;
