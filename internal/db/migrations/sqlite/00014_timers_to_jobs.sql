-- +goose Up
-- Demand SLA timers, webhook deliveries and e-mails run on the shared job
-- layer (internal/jobs). Pending timers carry over as jobs keyed by their
-- demand (the newest of each kind: a later one replaced the earlier when
-- the deadline moved); the timers table goes. Pending outbox rows get the
-- job that sends them, with the attempts they have used; the outbox tables
-- stay as the delivery logs admins read.
INSERT INTO jobs (kind, key, args, state, run_at, attempts, created_at, updated_at)
SELECT 'demand.' || t.kind, CAST(t.demand_id AS TEXT), '{"demand_id":' || t.demand_id || ',"level":' || t.level || '}',
       'pending', t.due_at, 0, d.created_at, d.created_at
FROM timers t JOIN demands d ON d.id = t.demand_id
WHERE t.done_at IS NULL
  AND t.id = (SELECT max(x.id) FROM timers x WHERE x.demand_id = t.demand_id AND x.kind = t.kind AND x.done_at IS NULL);
DROP TABLE timers;

INSERT INTO jobs (kind, key, args, state, run_at, attempts, created_at, updated_at)
SELECT 'notify.webhook', CAST(id AS TEXT), '{"id":' || id || '}', 'pending', next_attempt_at, attempts, created_at, created_at
FROM webhook_deliveries WHERE status = 'pending';
INSERT INTO jobs (kind, key, args, state, run_at, attempts, created_at, updated_at)
SELECT 'notify.email', CAST(id AS TEXT), '{"id":' || id || '}', 'pending', next_attempt_at, attempts, created_at, created_at
FROM email_outbox WHERE status = 'pending';
-- The jobs table says what is due now; these indexes only slowed inserts.
DROP INDEX webhook_deliveries_due;
DROP INDEX email_outbox_due;

-- +goose Down
CREATE INDEX email_outbox_due ON email_outbox(next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at, id) WHERE status = 'pending';
DELETE FROM jobs WHERE kind IN ('notify.webhook', 'notify.email');
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
INSERT INTO timers (kind, demand_id, due_at, level)
SELECT substr(kind, 8), CAST(key AS BIGINT), run_at, 0 FROM jobs WHERE kind LIKE 'demand.%' AND state = 'pending';
DELETE FROM jobs WHERE kind LIKE 'demand.%';
