-- +goose Up
-- The unit list pages an area's units by area, then name: in this index's
-- order, so a page reads its 50 rows instead of sorting the street's units.
-- text_pattern_ops serves the subtree's LIKE 'path%' as units_path_kind does.
CREATE INDEX units_path_name ON units(area_path text_pattern_ops, name, id);

-- +goose Down
DROP INDEX units_path_name;
