-- +goose Up
-- PostgreSQL only: gz_scope_tokens no longer depends on search_path, so a
-- pg_dump of gongzhi's database restores with pg_restore as it is. SQLite
-- builds the same tokens in Go and has nothing to change.
SELECT 1;

-- +goose Down
SELECT 1;
