-- +goose Up
-- pg_dump writes a dump that runs with an empty search_path, and names
-- gongzhi's own functions with their schema (public.gz_scope_tokens) in the
-- generated search vector of demands. gz_scope_tokens itself called gz_hex
-- by its bare name, which an empty search_path does not find, so pg_restore
-- failed on demands ("function gz_hex(text) does not exist") and the table
-- was never created. The function now uses only built-in functions, which
-- PostgreSQL finds in pg_catalog whatever search_path says. Its results are
-- the same, so the stored vectors stay valid; the body is not inlined in
-- either form (it has a FROM), and no SET clause adds a cost per row.
--
-- The other gz_* functions: gz_hex uses only built-ins. gz_demand_reach,
-- gz_demands_reach, gz_co_bodies_reach and the fund_entries trigger
-- functions name tables and functions by bare name, but they run only from
-- triggers, which a dump creates after its data (a data-only restore must
-- use --disable-triggers anyway, or fund balances would count twice), and
-- from gongzhi's own sessions, whose search_path holds gongzhi's schema.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION gz_scope_tokens(path text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT pg_catalog.string_agg('p' || pg_catalog.encode(pg_catalog.convert_to(pg_catalog.left(path, i), 'UTF8'), 'hex'), ' ' ORDER BY i)
      FROM pg_catalog.generate_series(2, pg_catalog.length(path)) i WHERE pg_catalog.substr(path, i, 1) = '/' $$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION gz_scope_tokens(path text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT string_agg('p' || gz_hex(left(path, i)), ' ' ORDER BY i)
      FROM generate_series(2, length(path)) i WHERE substr(path, i, 1) = '/' $$;
-- +goose StatementEnd
