-- +goose Up
-- Settings a district changes from its pages, one row a key (the demand
-- rates' targets: demand.Targets). Kept as JSON so a new setting needs no
-- table change.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE settings;
