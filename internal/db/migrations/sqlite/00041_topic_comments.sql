-- +goose Up
-- Online deliberation on a topic (issue 11): comments with moderation,
-- escalation of a topic not answered in time, and topics made from demands.
-- No likes, no counts of comments per person, no ranking.

-- The civility policy shown above an area's comment box; empty: the
-- interface's default policy.
ALTER TABLE delib_settings ADD COLUMN civility TEXT NOT NULL DEFAULT '';

-- A topic nobody answered in time goes up to its parent area's staff
-- (the delib.topic_due job): the area it went to.
ALTER TABLE topics ADD COLUMN escalated_to TEXT; -- an area code (no foreign key: SQLite could not drop the column again)
ALTER TABLE topics ADD COLUMN escalated_path TEXT;

-- A comment on a topic, plain text. status: shown, hidden (by staff, with
-- the public reason) or deleted (by its author; the text is erased).
CREATE TABLE topic_comments (
    id            INTEGER PRIMARY KEY,
    topic_id      INTEGER NOT NULL REFERENCES topics(id),
    author_id     INTEGER REFERENCES users(id),
    author_name   TEXT NOT NULL,
    by_staff      BOOLEAN NOT NULL DEFAULT FALSE,
    body          TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'shown',
    hidden_reason TEXT NOT NULL DEFAULT '',
    reports       INTEGER NOT NULL DEFAULT 0,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX topic_comments_topic ON topic_comments(topic_id, id);

-- Reports of a comment: one per person, with the reason; staff see the count.
CREATE TABLE topic_comment_reports (
    comment_id INTEGER NOT NULL REFERENCES topic_comments(id),
    user_id    INTEGER NOT NULL REFERENCES users(id),
    reason     TEXT NOT NULL,
    at         TIMESTAMP NOT NULL,
    PRIMARY KEY (comment_id, user_id)
);

-- A topic staff made from a cluster of demands: the demands it stands for.
CREATE TABLE topic_demands (
    topic_id  INTEGER NOT NULL REFERENCES topics(id),
    demand_id INTEGER NOT NULL REFERENCES demands(id),
    PRIMARY KEY (topic_id, demand_id)
);
CREATE INDEX topic_demands_demand ON topic_demands(demand_id);

-- +goose Down
DROP TABLE topic_demands;
DROP TABLE topic_comment_reports;
DROP TABLE topic_comments;
ALTER TABLE topics DROP COLUMN escalated_path;
ALTER TABLE topics DROP COLUMN escalated_to;
ALTER TABLE delib_settings DROP COLUMN civility;
