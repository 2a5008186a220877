-- +goose Up
-- A notice about a step is marked done when the step is taken
-- (notify.Service.Done): the unread notices of one record are found here.
CREATE INDEX inbox_open_entity ON inbox(entity, entity_id) WHERE read_at IS NULL;

-- +goose Down
DROP INDEX inbox_open_entity;
