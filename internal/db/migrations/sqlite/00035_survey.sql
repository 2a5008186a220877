-- +goose Up
-- Residents' evaluation of their residents' committee (居委会测评, issue 11):
-- a campaign per committee and period, one-time anonymous links, answers.

-- A campaign: one residential area (its committee) and one period (2026H2).
CREATE TABLE survey_campaigns (
    id              INTEGER PRIMARY KEY,
    area_code       TEXT NOT NULL REFERENCES areas(code),
    area_path       TEXT NOT NULL,
    period          TEXT NOT NULL,
    opens_at        TIMESTAMP NOT NULL,
    closes_at       TIMESTAMP NOT NULL,
    status          TEXT NOT NULL,
    created_by      INTEGER REFERENCES users(id),
    created_by_name TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    UNIQUE (area_code, period)
);
CREATE INDEX survey_campaigns_path ON survey_campaigns(area_path, opens_at);

-- One-time links: only the token's hash is kept; used flips once.
CREATE TABLE survey_links (
    token_hash  TEXT PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES survey_campaigns(id),
    used        BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX survey_links_campaign ON survey_links(campaign_id);

-- Answers: a random key and the answers, nothing else — no link, no time,
-- no sequence (WITHOUT ROWID: no insertion order either). Yes/no items
-- are 0/1; satisfaction items 1 to 5.
CREATE TABLE survey_answers (
    campaign_id INTEGER NOT NULL REFERENCES survey_campaigns(id),
    answer_key  TEXT NOT NULL,
    aware_members  SMALLINT NOT NULL CHECK (aware_members IN (0, 1)),
    aware_office   SMALLINT NOT NULL CHECK (aware_office IN (0, 1)),
    aware_work     SMALLINT NOT NULL CHECK (aware_work IN (0, 1)),
    part_activity  SMALLINT NOT NULL CHECK (part_activity IN (0, 1)),
    part_meeting   SMALLINT NOT NULL CHECK (part_meeting IN (0, 1)),
    part_vote      SMALLINT NOT NULL CHECK (part_vote IN (0, 1)),
    sat_service    SMALLINT NOT NULL CHECK (sat_service BETWEEN 1 AND 5),
    sat_response   SMALLINT NOT NULL CHECK (sat_response BETWEEN 1 AND 5),
    sat_living     SMALLINT NOT NULL CHECK (sat_living BETWEEN 1 AND 5),
    sat_overall    SMALLINT NOT NULL CHECK (sat_overall BETWEEN 1 AND 5),
    comment     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (campaign_id, answer_key)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE survey_answers;
DROP TABLE survey_links;
DROP TABLE survey_campaigns;
