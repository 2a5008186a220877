-- +goose Up
-- Intake assistance on real use (issue 12, docs/api.md): for each demand
-- filed from a form where category suggestions were shown, what was
-- suggested (at most three, with their confidence, and the model that
-- made them) and what the operator filed in the end, so accuracy is
-- measured on real use beside the held-out history. Suggestions never
-- file or dispatch anything.
CREATE TABLE suggestion_uses (
    demand_id       INTEGER PRIMARY KEY REFERENCES demands(id),
    area_path       TEXT NOT NULL,            -- the demand's, for scope
    model           TEXT NOT NULL,            -- the model's version: when it was trained (RFC 3339)
    suggested       TEXT NOT NULL,            -- "noise:0.8312,road:0.1021": likeliest first
    suggested_lead  TEXT NOT NULL DEFAULT '', -- the body suggested, if any (area code or unit:ID)
    picked_category TEXT NOT NULL,            -- the category filed
    picked_lead     TEXT NOT NULL DEFAULT '', -- the body dispatched to on filing, if any
    rank            INTEGER NOT NULL,         -- the filed category among the suggestions: 1–3, 0 when not among them
    source          TEXT NOT NULL,            -- web or api
    recorded_by     INTEGER,
    recorded_at     TIMESTAMP NOT NULL
);
CREATE INDEX suggestion_uses_path ON suggestion_uses(area_path);

-- +goose Down
DROP TABLE suggestion_uses;
