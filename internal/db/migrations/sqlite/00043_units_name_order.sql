-- +goose Up
-- The unit list pages an area's units by area, then name: in this index's
-- order, so a page reads its 50 rows instead of sorting the street's units
-- (a street's page 0.95 → 0.53 ms on the demo district).
CREATE INDEX units_path_name ON units(area_path, name, id);

-- +goose Down
DROP INDEX units_path_name;
