-- +goose Up
-- Deliberation (自治协商, issue 11): topics residents raise and support, and
-- secret, verifiable votes.

-- Per-area settings of topics: the supports that put a topic on the agenda
-- and the working days staff have to answer it. A topic takes the setting
-- of its nearest area that has one, else the defaults in internal/delib.
CREATE TABLE delib_settings (
    area_code         TEXT PRIMARY KEY REFERENCES areas(code),
    area_path         TEXT NOT NULL,
    support_threshold INTEGER NOT NULL CHECK (support_threshold > 0),
    answer_days       INTEGER NOT NULL CHECK (answer_days > 0),
    updated_at        TIMESTAMP NOT NULL
);

-- A topic (议题): raised by a resident or staff, supported by residents of
-- its area until the threshold puts it on the agenda; staff answer it by
-- due_at or a job marks it overdue.
CREATE TABLE topics (
    id              INTEGER PRIMARY KEY,
    area_code       TEXT NOT NULL REFERENCES areas(code),
    area_path       TEXT NOT NULL,
    title           TEXT NOT NULL,
    body            TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL,
    threshold       INTEGER NOT NULL,
    answer_days     INTEGER NOT NULL,
    supports        INTEGER NOT NULL DEFAULT 0,
    raised_by       INTEGER REFERENCES users(id),
    raised_by_name  TEXT NOT NULL,
    by_staff        BOOLEAN NOT NULL DEFAULT FALSE,
    agenda_at       TIMESTAMP,
    due_at          TIMESTAMP,
    overdue         BOOLEAN NOT NULL DEFAULT FALSE,
    answer          TEXT NOT NULL DEFAULT '',
    answered_at     TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX topics_path ON topics(area_path, status);

-- One support per resident and topic; no likes, nothing counted of people.
CREATE TABLE topic_supports (
    topic_id INTEGER NOT NULL REFERENCES topics(id),
    user_id  INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (topic_id, user_id)
);

-- Every status change of a topic with its reason, shown to everyone.
CREATE TABLE topic_events (
    id         INTEGER PRIMARY KEY,
    topic_id   INTEGER NOT NULL REFERENCES topics(id),
    at         TIMESTAMP NOT NULL,
    status     TEXT NOT NULL,
    reason     TEXT NOT NULL,
    actor_name TEXT NOT NULL
);
CREATE INDEX topic_events_topic ON topic_events(topic_id, id);

-- A vote (表决). Its result is written when it closes (tally: JSON of
-- counts by choice), so nothing is counted while it is open.
CREATE TABLE votes (
    id              INTEGER PRIMARY KEY,
    area_code       TEXT NOT NULL REFERENCES areas(code),
    area_path       TEXT NOT NULL,
    topic_id        INTEGER REFERENCES topics(id),
    question        TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    choices         TEXT NOT NULL,
    opens_at        TIMESTAMP NOT NULL,
    closes_at       TIMESTAMP NOT NULL,
    status          TEXT NOT NULL,
    residents       BOOLEAN NOT NULL,
    per_household   BOOLEAN NOT NULL,
    quorum          INTEGER NOT NULL DEFAULT 0 CHECK (quorum >= 0),
    threshold_pct   INTEGER NOT NULL CHECK (threshold_pct BETWEEN 1 AND 100),
    ballots         INTEGER NOT NULL DEFAULT 0,
    tally           TEXT NOT NULL DEFAULT '',
    created_by      INTEGER REFERENCES users(id),
    created_by_name TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    CHECK (closes_at >= opens_at) -- equal: closed by staff the minute it opened
);
CREATE INDEX votes_path ON votes(area_path, status);

-- One-time ballot links, by household. Only the token's hash is kept; the
-- slips are printed when the links are made.
CREATE TABLE vote_links (
    token_hash TEXT PRIMARY KEY,
    vote_id    INTEGER NOT NULL REFERENCES votes(id),
    household  TEXT NOT NULL,
    used       BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX vote_links_vote ON vote_links(vote_id, household);

-- Who voted: one row per voter (u:<user id>) or household (h:<label>),
-- never a reference to the ballot.
CREATE TABLE vote_voters (
    vote_id   INTEGER NOT NULL REFERENCES votes(id),
    voter_key TEXT NOT NULL,
    user_id   INTEGER REFERENCES users(id),
    via       TEXT NOT NULL,
    PRIMARY KEY (vote_id, voter_key)
) WITHOUT ROWID;

-- The ballots: a random receipt and the choice, nothing else — no voter, no
-- time, no sequence. WITHOUT ROWID keeps them in receipt order, so the
-- order they are stored in says nothing of when they were cast.
CREATE TABLE vote_ballots (
    vote_id INTEGER NOT NULL REFERENCES votes(id),
    receipt TEXT NOT NULL,
    choice  INTEGER NOT NULL,
    PRIMARY KEY (vote_id, receipt)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE vote_ballots;
DROP TABLE vote_voters;
DROP TABLE vote_links;
DROP TABLE votes;
DROP TABLE topic_events;
DROP TABLE topic_supports;
DROP TABLE topics;
DROP TABLE delib_settings;
