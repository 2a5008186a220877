-- +goose Up
-- Durable jobs for every capability (internal/jobs): timers, periodic runs,
-- retries. Kinds are an open set (each package registers its own), so no
-- CHECK lists them. A job enqueued with a key is unique per kind while it is
-- pending: enqueueing the key again moves that job instead of adding one.
CREATE TABLE jobs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    key         TEXT NOT NULL DEFAULT '',
    args        TEXT NOT NULL DEFAULT '{}',
    state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'done', 'dead', 'cancelled')),
    run_at      TIMESTAMP NOT NULL, -- due; while running, when the lease ends
    attempts    INTEGER NOT NULL DEFAULT 0,
    claimed_by  TEXT NOT NULL DEFAULT '',
    last_error  TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    done_at     TIMESTAMP
);
-- The upsert's arbiter: one pending job per (kind, key).
CREATE UNIQUE INDEX jobs_pending_key ON jobs(kind, key) WHERE state = 'pending' AND key <> '';
-- What the runner claims (pending and due, or running with the lease run
-- out) and what pruning deletes (finished long ago). Plain, not partial:
-- every partial index is compiled into each INSERT, and enqueue is hot.
CREATE INDEX jobs_state_run ON jobs(state, run_at);

-- +goose Down
DROP TABLE jobs;
