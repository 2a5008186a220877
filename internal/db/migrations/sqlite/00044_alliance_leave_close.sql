-- +goose Up
-- Alliances (issue 11): members leave with a date and a reason and stay in
-- the record as former members; commitments get a target (what counts as
-- kept), can be closed as not kept with a note, and a closing note when
-- kept. done_on stays the date a commitment was kept.

-- The day a member left and why; NULL while a member.
ALTER TABLE alliance_members ADD COLUMN left_on TEXT;
ALTER TABLE alliance_members ADD COLUMN left_reason TEXT NOT NULL DEFAULT '';

-- What counts as kept (measurable: 12 sessions, 50 residents…); may be empty.
ALTER TABLE alliance_commitments ADD COLUMN target TEXT NOT NULL DEFAULT '';
-- The day a commitment was closed as not kept; NULL otherwise. A commitment
-- is closed when done_on (kept) or not_kept_on is set, never both.
ALTER TABLE alliance_commitments ADD COLUMN not_kept_on TEXT;
-- The note staff wrote when they closed it.
ALTER TABLE alliance_commitments ADD COLUMN close_note TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE alliance_commitments DROP COLUMN close_note;
ALTER TABLE alliance_commitments DROP COLUMN not_kept_on;
ALTER TABLE alliance_commitments DROP COLUMN target;
ALTER TABLE alliance_members DROP COLUMN left_reason;
ALTER TABLE alliance_members DROP COLUMN left_on;
