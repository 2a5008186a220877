-- +goose Up
-- One visibility rule (internal/demand/visibility.go): a caller sees the
-- demands in its areas and the demands whose bodies (the owner, the lead
-- body, a co-handling body) lie in its areas, wherever the demand lies. The
-- second half becomes tokens of the full-text index, so lists, searches and
-- counts page off the index as the first half does:
--   r<hex of an area path>  for each body that is not the demand's area or
--                           one of its ancestors, once for the body and
--                           each of the body's ancestors.
-- A body at or above the demand's area adds nothing: whoever has it in
-- scope has the area too. Most demands therefore carry no r tokens.
-- PostgreSQL builds the same into demands.reach_tokens and search_tsv.
ALTER TABLE demands ADD COLUMN reach_tokens TEXT NOT NULL DEFAULT '';
-- What reach_tokens should hold; the triggers below keep it so, writing a
-- row only when it changes.
CREATE VIEW demand_reach AS
SELECT d.id, (SELECT coalesce(group_concat(replace(a.scope_tokens, 'p', 'r'), ' '), '') FROM areas a
    WHERE (a.code IN (d.owner_area, d.lead_area) OR a.code IN (SELECT c.area_code FROM demand_co_bodies c WHERE c.demand_id = d.id))
    AND substr(d.area_path, 1, length(a.path)) <> a.path) AS tokens
FROM demands d;
-- +goose StatementBegin
CREATE TRIGGER demands_reach_ai AFTER INSERT ON demands
WHEN EXISTS (SELECT 1 FROM areas a WHERE a.code IN (new.owner_area, new.lead_area) AND substr(new.area_path, 1, length(a.path)) <> a.path) BEGIN
    UPDATE demands SET reach_tokens = (SELECT tokens FROM demand_reach WHERE id = new.id) WHERE id = new.id AND reach_tokens IS NOT (SELECT tokens FROM demand_reach WHERE id = new.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER demands_reach_au AFTER UPDATE OF owner_area, lead_area, area_path ON demands
WHEN old.owner_area IS NOT new.owner_area OR old.lead_area IS NOT new.lead_area OR old.area_path IS NOT new.area_path BEGIN
    UPDATE demands SET reach_tokens = (SELECT tokens FROM demand_reach WHERE id = new.id) WHERE id = new.id AND reach_tokens IS NOT (SELECT tokens FROM demand_reach WHERE id = new.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER demand_co_bodies_reach_ai AFTER INSERT ON demand_co_bodies BEGIN
    UPDATE demands SET reach_tokens = (SELECT tokens FROM demand_reach WHERE id = new.demand_id) WHERE id = new.demand_id AND reach_tokens IS NOT (SELECT tokens FROM demand_reach WHERE id = new.demand_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER demand_co_bodies_reach_ad AFTER DELETE ON demand_co_bodies BEGIN
    UPDATE demands SET reach_tokens = (SELECT tokens FROM demand_reach WHERE id = old.demand_id) WHERE id = old.demand_id AND reach_tokens IS NOT (SELECT tokens FROM demand_reach WHERE id = old.demand_id);
END;
-- +goose StatementEnd
-- The index rows carry the reach tokens. The insert trigger reads them from
-- the row and replaces any index row first: demands_reach_ai may have
-- written one already (SQLite does not promise an order between triggers).
DROP TRIGGER demands_fts_ai;
DROP TRIGGER demands_fts_au;
-- +goose StatementBegin
CREATE TRIGGER demands_fts_ai AFTER INSERT ON demands BEGIN
    DELETE FROM demands_fts WHERE rowid = new.id;
    INSERT INTO demands_fts(rowid, search_text, search_tags) VALUES (new.id, new.search_text,
        (SELECT scope_tokens FROM areas WHERE code = new.area_code) || ' s' || replace(new.status, '_', '') ||
        CASE WHEN new.status IN ('closed', 'merged') THEN ' sdone' ELSE ' sopen' END ||
        CASE WHEN new.overdue THEN ' otrue' ELSE ' ofalse' END ||
        ' c' || lower(hex(new.category_code)) || ' h' || new.channel || ' ' || (SELECT reach_tokens FROM demands WHERE id = new.id));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER demands_fts_au AFTER UPDATE OF search_text, status, overdue, category_code, channel, area_code, reach_tokens ON demands
WHEN old.search_text IS NOT new.search_text OR old.status IS NOT new.status OR old.overdue IS NOT new.overdue OR
    old.category_code IS NOT new.category_code OR old.channel IS NOT new.channel OR old.area_code IS NOT new.area_code OR
    old.reach_tokens IS NOT new.reach_tokens BEGIN
    DELETE FROM demands_fts WHERE rowid = old.id;
    INSERT INTO demands_fts(rowid, search_text, search_tags) VALUES (new.id, new.search_text,
        (SELECT scope_tokens FROM areas WHERE code = new.area_code) || ' s' || replace(new.status, '_', '') ||
        CASE WHEN new.status IN ('closed', 'merged') THEN ' sdone' ELSE ' sopen' END ||
        CASE WHEN new.overdue THEN ' otrue' ELSE ' ofalse' END ||
        ' c' || lower(hex(new.category_code)) || ' h' || new.channel || ' ' || new.reach_tokens);
END;
-- +goose StatementEnd
-- Demands already dispatched outside their area (the update trigger above
-- rewrites their index rows).
UPDATE demands SET reach_tokens = (SELECT tokens FROM demand_reach r WHERE r.id = demands.id)
WHERE reach_tokens IS NOT (SELECT tokens FROM demand_reach r WHERE r.id = demands.id);

-- Staff search finds a caller's earlier demands by phone and by name
-- (demand.callerMatch). Phones are stored as typed; the index holds the
-- last four digits, which narrow a full number or a typed tail to a few rows.
CREATE INDEX demand_reporters_phone_tail ON demand_reporters(substr(replace(replace(replace(replace(replace(phone, '-', ''), ' ', ''), '+', ''), '(', ''), ')', ''), -4));
CREATE INDEX demand_reporters_name ON demand_reporters(name);

-- +goose Down
DROP INDEX demand_reporters_name;
DROP INDEX demand_reporters_phone_tail;
DROP TRIGGER demands_fts_ai;
DROP TRIGGER demands_fts_au;
-- +goose StatementBegin
CREATE TRIGGER demands_fts_ai AFTER INSERT ON demands BEGIN
    INSERT INTO demands_fts(rowid, search_text, search_tags) VALUES (new.id, new.search_text,
        (SELECT scope_tokens FROM areas WHERE code = new.area_code) || ' s' || replace(new.status, '_', '') ||
        CASE WHEN new.status IN ('closed', 'merged') THEN ' sdone' ELSE ' sopen' END ||
        CASE WHEN new.overdue THEN ' otrue' ELSE ' ofalse' END ||
        ' c' || lower(hex(new.category_code)) || ' h' || new.channel);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER demands_fts_au AFTER UPDATE OF search_text, status, overdue, category_code, channel, area_code ON demands
WHEN old.search_text IS NOT new.search_text OR old.status IS NOT new.status OR old.overdue IS NOT new.overdue OR
    old.category_code IS NOT new.category_code OR old.channel IS NOT new.channel OR old.area_code IS NOT new.area_code BEGIN
    DELETE FROM demands_fts WHERE rowid = old.id;
    INSERT INTO demands_fts(rowid, search_text, search_tags) VALUES (new.id, new.search_text,
        (SELECT scope_tokens FROM areas WHERE code = new.area_code) || ' s' || replace(new.status, '_', '') ||
        CASE WHEN new.status IN ('closed', 'merged') THEN ' sdone' ELSE ' sopen' END ||
        CASE WHEN new.overdue THEN ' otrue' ELSE ' ofalse' END ||
        ' c' || lower(hex(new.category_code)) || ' h' || new.channel);
END;
-- +goose StatementEnd
DROP TRIGGER demand_co_bodies_reach_ad;
DROP TRIGGER demand_co_bodies_reach_ai;
DROP TRIGGER demands_reach_au;
DROP TRIGGER demands_reach_ai;
DROP VIEW demand_reach;
ALTER TABLE demands DROP COLUMN reach_tokens;
