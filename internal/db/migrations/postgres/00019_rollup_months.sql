-- +goose Up
-- The rollups by month: the same figures as demand_rollups, per area,
-- category (and all categories, '') and calendar month ('2026-03'). A period
-- of whole months reads one row a month instead of one a day: a district's
-- year by category went from ~7,000 rows to ~250. demand.rollup keeps both
-- tables in the change's transaction; reads take the whole months from here
-- and the partial months at either end from demand_rollups.
CREATE TABLE demand_rollups_monthly (
    area_path     TEXT NOT NULL,
    category_code TEXT NOT NULL,
    month         TEXT NOT NULL,
    received      INTEGER NOT NULL DEFAULT 0,
    response_base INTEGER NOT NULL DEFAULT 0,
    responded     INTEGER NOT NULL DEFAULT 0,
    rated         INTEGER NOT NULL DEFAULT 0,
    solved        INTEGER NOT NULL DEFAULT 0,
    satisfied     INTEGER NOT NULL DEFAULT 0,
    overdue       INTEGER NOT NULL DEFAULT 0,
    open          INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (area_path, month, category_code)
);
INSERT INTO demand_rollups_monthly (area_path, category_code, month, received, response_base, responded, rated, solved, satisfied, overdue, open)
SELECT area_path, category_code, substr(day, 1, 7), sum(received), sum(response_base), sum(responded), sum(rated), sum(solved), sum(satisfied), sum(overdue), sum(open)
FROM demand_rollups GROUP BY area_path, category_code, substr(day, 1, 7);

-- +goose Down
DROP TABLE demand_rollups_monthly;
