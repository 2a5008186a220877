-- +goose Up
-- The list filters a search uses most become tokens of the full-text index,
-- so a search pages and counts off the index alone at a million demands:
--   p<hex of an area path>  once for the demand's area and each ancestor
--                           (hex, so any code works as a token)
--   s<status>, sopen/sdone, otrue/ofalse (overdue),
--   c<hex of the category code>, h<channel>.
-- PostgreSQL builds the same tokens into demands.search_tsv. The index is
-- contentless: it holds tokens only, kept by the triggers below.
ALTER TABLE areas ADD COLUMN scope_tokens TEXT NOT NULL DEFAULT '';
WITH RECURSIVE t(code, tokens) AS (
    SELECT code, 'p' || lower(hex(path)) FROM areas WHERE parent_code IS NULL
    UNION ALL
    SELECT a.code, t.tokens || ' p' || lower(hex(a.path)) FROM areas a JOIN t ON a.parent_code = t.code
)
UPDATE areas SET scope_tokens = (SELECT tokens FROM t WHERE t.code = areas.code);
-- Areas never move (their path is fixed at creation), so tokens are set once.
-- +goose StatementBegin
CREATE TRIGGER areas_scope_tokens AFTER INSERT ON areas BEGIN
    UPDATE areas SET scope_tokens = coalesce((SELECT p.scope_tokens || ' ' FROM areas p WHERE p.code = new.parent_code), '') ||
        'p' || lower(hex(new.path)) WHERE code = new.code;
END;
-- +goose StatementEnd
DROP TRIGGER demands_fts_ai;
DROP TRIGGER demands_fts_ad;
DROP TRIGGER demands_fts_au;
DROP TABLE demands_fts;
CREATE VIRTUAL TABLE demands_fts USING fts5(search_text, search_tags, content='', contentless_delete=1, tokenize='unicode61');
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
CREATE TRIGGER demands_fts_ad AFTER DELETE ON demands BEGIN
    DELETE FROM demands_fts WHERE rowid = old.id;
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
INSERT INTO demands_fts(rowid, search_text, search_tags)
SELECT d.id, d.search_text, a.scope_tokens || ' s' || replace(d.status, '_', '') ||
    CASE WHEN d.status IN ('closed', 'merged') THEN ' sdone' ELSE ' sopen' END ||
    CASE WHEN d.overdue THEN ' otrue' ELSE ' ofalse' END ||
    ' c' || lower(hex(d.category_code)) || ' h' || d.channel
FROM demands d JOIN areas a ON a.code = d.area_code;

-- +goose Down
DROP TRIGGER demands_fts_ai;
DROP TRIGGER demands_fts_ad;
DROP TRIGGER demands_fts_au;
DROP TABLE demands_fts;
DROP TRIGGER areas_scope_tokens;
ALTER TABLE areas DROP COLUMN scope_tokens;
CREATE VIRTUAL TABLE demands_fts USING fts5(search_text, content='demands', content_rowid='id', tokenize='unicode61');
-- +goose StatementBegin
CREATE TRIGGER demands_fts_ai AFTER INSERT ON demands BEGIN
    INSERT INTO demands_fts(rowid, search_text) VALUES (new.id, new.search_text);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER demands_fts_ad AFTER DELETE ON demands BEGIN
    INSERT INTO demands_fts(demands_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER demands_fts_au AFTER UPDATE OF search_text ON demands BEGIN
    INSERT INTO demands_fts(demands_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO demands_fts(rowid, search_text) VALUES (new.id, new.search_text);
END;
-- +goose StatementEnd
INSERT INTO demands_fts(demands_fts) VALUES ('rebuild');
