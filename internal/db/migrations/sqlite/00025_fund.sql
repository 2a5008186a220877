-- +goose Up
-- The community fund (社区公益基金, 三个一点, DOMAIN.md §4): a street's or a
-- residential area's fund, filled by the government, units and residents,
-- spent only on approved service projects. Its ledger is append-only in
-- integer fen: a mistake is corrected by a reversal entry, never by UPDATE
-- or DELETE (the triggers below refuse both), and the fund's balance is
-- kept by the database itself from every entry written, never below zero.

CREATE TABLE funds (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    area_code   TEXT NOT NULL REFERENCES areas(code),
    area_path   TEXT NOT NULL,
    balance_fen BIGINT NOT NULL DEFAULT 0 CHECK (balance_fen >= 0),  -- kept by fund_entries_balance
    created_by  INTEGER REFERENCES users(id),
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (area_code, name)
);
CREATE INDEX funds_path ON funds(area_path);

-- Money out, as proposed by one person and decided by a second. An approved
-- disbursement has exactly one payout entry (fund_entries.disbursement_id).
CREATE TABLE fund_disbursements (
    id               INTEGER PRIMARY KEY,
    fund_id          INTEGER NOT NULL REFERENCES funds(id),
    project_id       INTEGER NOT NULL REFERENCES projects(id),
    amount_fen       BIGINT NOT NULL CHECK (amount_fen > 0),
    note             TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed','approved','rejected','reversed')),
    proposed_by      INTEGER REFERENCES users(id),
    proposed_by_name TEXT NOT NULL,
    proposed_at      TIMESTAMP NOT NULL,
    decided_by       INTEGER REFERENCES users(id),
    decided_by_name  TEXT NOT NULL DEFAULT '',
    decided_at       TIMESTAMP,
    reason           TEXT NOT NULL DEFAULT '',  -- why it was rejected
    -- four eyes: whoever approves is not whoever proposed
    CHECK (status IN ('proposed','rejected') OR proposed_by IS NULL OR decided_by IS NULL OR decided_by <> proposed_by)
);
CREATE INDEX fund_disbursements_fund ON fund_disbursements(fund_id, status);
CREATE INDEX fund_disbursements_project ON fund_disbursements(project_id);

-- The ledger. Money in carries its source and donor; money out is a payout
-- of an approved disbursement to its project; a reversal points at the one
-- entry it cancels, goes the other way for the same amount and carries the
-- original's source or project, so sums by source and by project stay net.
CREATE TABLE fund_entries (
    id              INTEGER PRIMARY KEY,
    fund_id         INTEGER NOT NULL REFERENCES funds(id),
    direction       TEXT NOT NULL CHECK (direction IN ('in','out')),
    source          TEXT NOT NULL DEFAULT '' CHECK (source IN ('','government','unit','resident')),
    amount_fen      BIGINT NOT NULL CHECK (amount_fen > 0),
    donor_name      TEXT NOT NULL DEFAULT '',
    unit_id         INTEGER REFERENCES units(id),
    show_name       BOOLEAN NOT NULL DEFAULT FALSE,  -- the donor agreed to be named on the public page
    received_on     TEXT NOT NULL,                   -- YYYY-MM-DD, the day the money moved
    note            TEXT NOT NULL DEFAULT '',
    project_id      INTEGER REFERENCES projects(id),
    disbursement_id INTEGER UNIQUE REFERENCES fund_disbursements(id),
    reverses_id     INTEGER UNIQUE REFERENCES fund_entries(id),
    created_by      INTEGER REFERENCES users(id),
    created_by_name TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    -- money in has a source; money out goes to a project through a disbursement
    CHECK (reverses_id IS NOT NULL
        OR (direction = 'in' AND source <> '' AND project_id IS NULL AND disbursement_id IS NULL)
        OR (direction = 'out' AND source = '' AND project_id IS NOT NULL AND disbursement_id IS NOT NULL))
);
CREATE INDEX fund_entries_fund ON fund_entries(fund_id, id);
CREATE INDEX fund_entries_project ON fund_entries(project_id);

-- +goose StatementBegin
CREATE TRIGGER fund_entries_no_update BEFORE UPDATE ON fund_entries BEGIN
    SELECT RAISE(ABORT, 'fund_entries is append-only: record a reversal entry instead');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER fund_entries_no_delete BEFORE DELETE ON fund_entries BEGIN
    SELECT RAISE(ABORT, 'fund_entries is append-only: record a reversal entry instead');
END;
-- +goose StatementEnd
-- A reversal mirrors the one entry it cancels: same fund, source and
-- project, same amount, the other way; a reversal is never reversed.
-- +goose StatementBegin
CREATE TRIGGER fund_entries_reversal BEFORE INSERT ON fund_entries WHEN new.reverses_id IS NOT NULL BEGIN
    SELECT RAISE(ABORT, 'a reversal must mirror the entry it reverses')
    WHERE NOT EXISTS (SELECT 1 FROM fund_entries o WHERE o.id = new.reverses_id AND o.reverses_id IS NULL
        AND o.fund_id = new.fund_id AND o.direction <> new.direction AND o.amount_fen = new.amount_fen
        AND o.source = new.source AND o.project_id IS new.project_id);
END;
-- +goose StatementEnd
-- Every entry moves its fund's balance in the same statement; an entry that
-- would take it below zero fails the CHECK on funds and is not written.
-- +goose StatementBegin
CREATE TRIGGER fund_entries_balance AFTER INSERT ON fund_entries BEGIN
    UPDATE funds SET balance_fen = balance_fen + CASE WHEN new.direction = 'in' THEN new.amount_fen ELSE -new.amount_fen END
    WHERE id = new.fund_id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER fund_entries_balance;
DROP TRIGGER fund_entries_reversal;
DROP TRIGGER fund_entries_no_delete;
DROP TRIGGER fund_entries_no_update;
DROP TABLE fund_entries;
DROP TABLE fund_disbursements;
DROP TABLE funds;
