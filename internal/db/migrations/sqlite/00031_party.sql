-- +goose Up
-- Party members (党员) and activities with sign-up and QR check-in (issue 10).
-- Kinds, age bands and service posts are open sets: no CHECK lists. ID card
-- numbers are never stored; a phone is stored once and masked on output.
CREATE TABLE members (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    phone        TEXT NOT NULL DEFAULT '',
    kind         TEXT NOT NULL,                          -- 在职, 退休, 流动, 离退休干部 …
    age_band     TEXT NOT NULL DEFAULT '',
    party_org_id INTEGER NOT NULL REFERENCES party_orgs(id),
    area_path    TEXT NOT NULL,                          -- the party organisation's area, for scope
    home_code    TEXT REFERENCES areas(code),            -- the residential area where the member lives
    home_path    TEXT NOT NULL DEFAULT '',
    unit_id      INTEGER REFERENCES units(id),           -- work unit
    user_id      INTEGER UNIQUE REFERENCES users(id),    -- the member's own sign-in, if linked
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX members_path ON members(area_path, kind);
CREATE INDEX members_home ON members(home_path);
CREATE INDEX members_unit ON members(unit_id);
CREATE INDEX members_org ON members(party_org_id);

-- Dual reporting (双报到): the residential area where an in-service member
-- lives and serves, one registration a member, with the posts chosen.
CREATE TABLE member_reports (
    member_id   INTEGER PRIMARY KEY REFERENCES members(id),
    area_code   TEXT NOT NULL REFERENCES areas(code),
    area_path   TEXT NOT NULL,
    reported_on TEXT NOT NULL,                           -- YYYY-MM-DD, Asia/Shanghai
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX member_reports_path ON member_reports(area_path);

CREATE TABLE member_posts (
    member_id INTEGER NOT NULL REFERENCES members(id),
    post      TEXT NOT NULL,                             -- 楼组长助理, 志愿调解, 青年突击队 …
    PRIMARY KEY (member_id, post)
);

-- Verified service (服务记录): written only by verified events (an activity
-- check-out), never typed; service hours and the follow-up list read it.
CREATE TABLE member_service (
    id         INTEGER PRIMARY KEY,
    member_id  INTEGER NOT NULL REFERENCES members(id),
    source     TEXT NOT NULL,                            -- activity
    source_id  INTEGER NOT NULL,                         -- the sign-up
    area_path  TEXT NOT NULL,                            -- where the service was done
    started_at TIMESTAMP NOT NULL,
    ended_at   TIMESTAMP NOT NULL,
    minutes    INTEGER NOT NULL,
    UNIQUE (source, source_id)
);
CREATE INDEX member_service_member ON member_service(member_id, ended_at);

-- Activities published by a party organisation, unit or service point.
CREATE TABLE activities (
    id               INTEGER PRIMARY KEY,
    title            TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    starts_at        TIMESTAMP NOT NULL,
    ends_at          TIMESTAMP NOT NULL,
    place            TEXT NOT NULL DEFAULT '',
    capacity         INTEGER NOT NULL DEFAULT 0,         -- 0: no limit
    audience         TEXT NOT NULL,                      -- members, residents, all
    party_org_id     INTEGER REFERENCES party_orgs(id),
    unit_id          INTEGER REFERENCES units(id),
    service_point_id INTEGER REFERENCES service_points(id),
    area_code        TEXT NOT NULL REFERENCES areas(code),
    area_path        TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'published',  -- published, cancelled
    next_seq         INTEGER NOT NULL DEFAULT 1,         -- sign-up order, under the row's lock
    created_by       INTEGER REFERENCES users(id),
    created_by_name  TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
CREATE INDEX activities_path ON activities(area_path, starts_at);
CREATE INDEX activities_start ON activities(starts_at);

-- A person's sign-up: confirmed within capacity, else waitlisted in order
-- (seq); cancelling frees the place for the first on the waitlist.
CREATE TABLE activity_signups (
    id             INTEGER PRIMARY KEY,
    activity_id    INTEGER NOT NULL REFERENCES activities(id),
    user_id        INTEGER NOT NULL REFERENCES users(id),
    member_id      INTEGER REFERENCES members(id),
    status         TEXT NOT NULL,                        -- confirmed, waitlisted, cancelled
    seq            INTEGER NOT NULL,
    checked_in_at  TIMESTAMP,
    checked_out_at TIMESTAMP,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    UNIQUE (activity_id, user_id)
);
CREATE INDEX activity_signups_queue ON activity_signups(activity_id, status, seq);
CREATE INDEX activity_signups_user ON activity_signups(user_id);

-- +goose Down
DROP TABLE activity_signups;
DROP TABLE activities;
DROP TABLE member_service;
DROP TABLE member_posts;
DROP TABLE member_reports;
DROP TABLE members;
