-- +goose Up
-- Councils and meetings (议事会, issue 11): councils per area with members,
-- charter and term; meetings with agenda (topics), attendance, minutes and
-- decisions; a decision becomes a service project, a demand or a
-- self-governance rule (自治公约) published on the area's public page.

CREATE TABLE councils (
    id         INTEGER PRIMARY KEY,
    area_code  TEXT NOT NULL REFERENCES areas(code),
    area_path  TEXT NOT NULL,
    name       TEXT NOT NULL,
    charter    TEXT NOT NULL DEFAULT '',
    term_from  TEXT NOT NULL, -- YYYY-MM-DD
    term_to    TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (term_to >= term_from)
);
CREATE INDEX councils_path ON councils(area_path);

-- A council's members: residents or members by name; the phone is kept
-- for staff and shown masked.
CREATE TABLE council_members (
    id         INTEGER PRIMARY KEY,
    council_id INTEGER NOT NULL REFERENCES councils(id),
    name       TEXT NOT NULL,
    phone      TEXT NOT NULL DEFAULT '',
    role       TEXT NOT NULL CHECK (role IN ('convener', 'member'))
);
CREATE INDEX council_members_council ON council_members(council_id, id);

CREATE TABLE meetings (
    id         INTEGER PRIMARY KEY,
    council_id INTEGER NOT NULL REFERENCES councils(id),
    area_path  TEXT NOT NULL,
    title      TEXT NOT NULL,
    starts_at  TIMESTAMP NOT NULL,
    place      TEXT NOT NULL,
    attendance INTEGER NOT NULL DEFAULT 0 CHECK (attendance >= 0),
    minutes    TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX meetings_council ON meetings(council_id, starts_at);
CREATE INDEX meetings_path ON meetings(area_path, starts_at);

-- The agenda: topics of the council's area.
CREATE TABLE meeting_topics (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id),
    topic_id   INTEGER NOT NULL REFERENCES topics(id),
    PRIMARY KEY (meeting_id, topic_id)
);

-- Council members present.
CREATE TABLE meeting_attendees (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id),
    member_id  INTEGER NOT NULL REFERENCES council_members(id),
    PRIMARY KEY (meeting_id, member_id)
);

-- Self-governance rules (自治公约) published on the area's page.
CREATE TABLE area_rules (
    id           INTEGER PRIMARY KEY,
    area_code    TEXT NOT NULL REFERENCES areas(code),
    area_path    TEXT NOT NULL,
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    published_at TIMESTAMP NOT NULL
);
CREATE INDEX area_rules_path ON area_rules(area_path);

-- A meeting's decisions, each with who follows it up by when, and what it
-- became: a service project, a demand or a rule (at most one).
CREATE TABLE meeting_decisions (
    id         INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id),
    topic_id   INTEGER REFERENCES topics(id),
    text       TEXT NOT NULL,
    owner      TEXT NOT NULL,
    due_on     TEXT NOT NULL, -- YYYY-MM-DD
    project_id INTEGER REFERENCES projects(id),
    demand_id  INTEGER REFERENCES demands(id),
    rule_id    INTEGER REFERENCES area_rules(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX meeting_decisions_meeting ON meeting_decisions(meeting_id, id);

-- +goose Down
DROP TABLE meeting_decisions;
DROP TABLE area_rules;
DROP TABLE meeting_attendees;
DROP TABLE meeting_topics;
DROP TABLE meetings;
DROP TABLE council_members;
DROP TABLE councils;
