-- +goose Up
-- The list filters a search uses most become lexemes of the search vector,
-- so a search pages and counts off the GIN index alone at a million demands:
--   p<hex of an area path>  once for the demand's area and each ancestor
--                           (hex, so any code works as a lexeme)
--   s<status>, sopen/sdone, otrue/ofalse (overdue),
--   c<hex of the category code>, h<channel>.
-- SQLite builds the same tokens into demands_fts (search_tags).
-- +goose StatementBegin
-- convert_to is only STABLE (it depends on the database encoding, which
-- gongzhi requires to be UTF-8), so the wrapper may be IMMUTABLE.
CREATE FUNCTION gz_hex(s text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT encode(convert_to(s, 'UTF8'), 'hex') $$;
-- +goose StatementEnd
-- +goose StatementBegin
-- '/310104/003/' → 'p<hex of /310104/> p<hex of /310104/003/>'.
CREATE FUNCTION gz_scope_tokens(path text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT string_agg('p' || gz_hex(left(path, i)), ' ' ORDER BY i)
      FROM generate_series(2, length(path)) i WHERE substr(path, i, 1) = '/' $$;
-- +goose StatementEnd
ALTER TABLE demands ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', search_text || ' ' ||
    gz_scope_tokens(area_path) || ' s' || replace(status, '_', '') ||
    CASE WHEN status IN ('closed', 'merged') THEN ' sdone' ELSE ' sopen' END ||
    CASE WHEN overdue THEN ' otrue' ELSE ' ofalse' END ||
    ' c' || gz_hex(category_code) || ' h' || channel)) STORED;
DROP INDEX demands_search;
CREATE INDEX demands_search ON demands USING GIN (search_tsv);

-- +goose Down
DROP INDEX demands_search;
ALTER TABLE demands DROP COLUMN search_tsv;
DROP FUNCTION gz_scope_tokens(text);
DROP FUNCTION gz_hex(text);
CREATE INDEX demands_search ON demands USING GIN (to_tsvector('simple', search_text));
