-- +goose Up
-- Coverage counts units by subtree and kind and reads only the two flags:
-- with the flags in the index the count can be an index-only scan.
DROP INDEX units_path_kind;
CREATE INDEX units_path_kind ON units(area_path text_pattern_ops, kind, has_party_org, platform_covered);

-- +goose Down
DROP INDEX units_path_kind;
CREATE INDEX units_path_kind ON units(area_path text_pattern_ops, kind);
