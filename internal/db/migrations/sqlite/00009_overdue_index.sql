-- +goose Up
-- Overdue demands are few: a list of them ("超期") reads this small index
-- instead of walking every demand of the area.
CREATE INDEX demands_overdue ON demands(area_path, id) WHERE overdue;

-- +goose Down
DROP INDEX demands_overdue;
