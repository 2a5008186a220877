-- +goose Up
-- One visibility rule (internal/demand/visibility.go): a caller sees the
-- demands in its areas and the demands whose bodies (the owner, the lead
-- body, a co-handling body) lie in its areas, wherever the demand lies. The
-- second half becomes lexemes of the search vector, so lists, searches and
-- counts page off the index as the first half does:
--   r<hex of an area path>  for each body that is not the demand's area or
--                           one of its ancestors, once for the body and
--                           each of the body's ancestors.
-- A body at or above the demand's area adds nothing: whoever has it in
-- scope has the area too. Most demands therefore carry no r lexemes.
-- SQLite builds the same into demands.reach_tokens and demands_fts.
ALTER TABLE demands ADD COLUMN reach_tokens TEXT NOT NULL DEFAULT '';
-- +goose StatementBegin
CREATE FUNCTION gz_demand_reach(d_id bigint, d_path text, d_owner text, d_lead text) RETURNS text LANGUAGE sql STABLE
AS $$ SELECT coalesce(string_agg(replace(gz_scope_tokens(a.path), 'p', 'r'), ' ' ORDER BY a.path), '') FROM areas a
      WHERE (a.code IN (d_owner, d_lead) OR a.code IN (SELECT c.area_code FROM demand_co_bodies c WHERE c.demand_id = d_id))
        AND left(d_path, length(a.path)) <> a.path $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION gz_demands_reach() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.reach_tokens := gz_demand_reach(NEW.id, NEW.area_path, NEW.owner_area, NEW.lead_area);
    RETURN NEW;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION gz_co_bodies_reach() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    did bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN
        did := OLD.demand_id;
    ELSE
        did := NEW.demand_id;
    END IF;
    UPDATE demands d SET reach_tokens = gz_demand_reach(d.id, d.area_path, d.owner_area, d.lead_area)
    WHERE d.id = did AND d.reach_tokens <> gz_demand_reach(d.id, d.area_path, d.owner_area, d.lead_area);
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- Demands already dispatched outside their area.
UPDATE demands d SET reach_tokens = gz_demand_reach(d.id, d.area_path, d.owner_area, d.lead_area)
WHERE gz_demand_reach(d.id, d.area_path, d.owner_area, d.lead_area) <> '';
CREATE TRIGGER demands_reach_ins BEFORE INSERT ON demands FOR EACH ROW EXECUTE FUNCTION gz_demands_reach();
CREATE TRIGGER demands_reach_upd BEFORE UPDATE OF owner_area, lead_area, area_path ON demands FOR EACH ROW
    WHEN (OLD.owner_area IS DISTINCT FROM NEW.owner_area OR OLD.lead_area IS DISTINCT FROM NEW.lead_area OR OLD.area_path IS DISTINCT FROM NEW.area_path)
    EXECUTE FUNCTION gz_demands_reach();
CREATE TRIGGER demand_co_bodies_reach AFTER INSERT OR DELETE ON demand_co_bodies FOR EACH ROW EXECUTE FUNCTION gz_co_bodies_reach();
-- The search vector carries the reach lexemes (a stored generated column
-- cannot be altered in place, so it is rebuilt with them).
DROP INDEX demands_search;
ALTER TABLE demands DROP COLUMN search_tsv;
ALTER TABLE demands ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', search_text || ' ' ||
    gz_scope_tokens(area_path) || ' s' || replace(status, '_', '') ||
    CASE WHEN status IN ('closed', 'merged') THEN ' sdone' ELSE ' sopen' END ||
    CASE WHEN overdue THEN ' otrue' ELSE ' ofalse' END ||
    ' c' || gz_hex(category_code) || ' h' || channel || ' ' || reach_tokens)) STORED;
CREATE INDEX demands_search ON demands USING GIN (search_tsv);

-- Staff search finds a caller's earlier demands by phone and by name
-- (demand.callerMatch). Phones are stored as typed; the index holds the
-- last four digits, which narrow a full number or a typed tail to a few rows.
CREATE INDEX demand_reporters_phone_tail ON demand_reporters ((right(regexp_replace(phone, '[^0-9]', '', 'g'), 4)));
CREATE INDEX demand_reporters_name ON demand_reporters (name);

-- +goose Down
DROP INDEX demand_reporters_name;
DROP INDEX demand_reporters_phone_tail;
DROP INDEX demands_search;
ALTER TABLE demands DROP COLUMN search_tsv;
ALTER TABLE demands ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', search_text || ' ' ||
    gz_scope_tokens(area_path) || ' s' || replace(status, '_', '') ||
    CASE WHEN status IN ('closed', 'merged') THEN ' sdone' ELSE ' sopen' END ||
    CASE WHEN overdue THEN ' otrue' ELSE ' ofalse' END ||
    ' c' || gz_hex(category_code) || ' h' || channel)) STORED;
CREATE INDEX demands_search ON demands USING GIN (search_tsv);
DROP TRIGGER demand_co_bodies_reach ON demand_co_bodies;
DROP TRIGGER demands_reach_upd ON demands;
DROP TRIGGER demands_reach_ins ON demands;
DROP FUNCTION gz_co_bodies_reach();
DROP FUNCTION gz_demands_reach();
DROP FUNCTION gz_demand_reach(bigint, text, text, text);
ALTER TABLE demands DROP COLUMN reach_tokens;
