-- +goose Up
-- A unit liaison's grant names its unit: the liaison sees and handles the
-- demands dispatched to that unit (lead_unit_id), not every demand of the
-- area. Grants made before this name none and reach no demand until re-granted.
ALTER TABLE grants ADD COLUMN unit_id INTEGER REFERENCES units(id);
CREATE INDEX grants_unit ON grants(unit_id);
-- A liaison's lists and queue read the demands of its unit, newest first.
CREATE INDEX demands_lead_unit ON demands(lead_unit_id, id);

-- +goose Down
DROP INDEX demands_lead_unit;
DROP INDEX grants_unit;
ALTER TABLE grants DROP COLUMN unit_id;
