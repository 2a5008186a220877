-- +goose Up
-- Bookings of venue resources (三张清单, item 5): a time slot inside the
-- resource's availability, held until its provider confirms it or the hold
-- lapses (a job), or cancelled. The database itself refuses two live
-- bookings of one resource that overlap: the triggers below check inside
-- the one write transaction SQLite runs at a time. Times are written in
-- UTC to the minute, so their text compares as the times do.
CREATE TABLE bookings (
    id              INTEGER PRIMARY KEY,
    resource_id     INTEGER NOT NULL REFERENCES resources(id),
    area_path       TEXT NOT NULL,
    unit_id         INTEGER REFERENCES units(id),
    starts_at       TIMESTAMP NOT NULL,
    ends_at         TIMESTAMP NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('held','confirmed','cancelled','lapsed')),
    hold_until      TIMESTAMP,
    purpose         TEXT NOT NULL,
    attendees       INTEGER NOT NULL DEFAULT 0 CHECK (attendees >= 0),
    project_id      INTEGER REFERENCES projects(id),
    booked_by       INTEGER REFERENCES users(id),
    booked_by_name  TEXT NOT NULL,
    decided_by_name TEXT NOT NULL DEFAULT '',
    reason          TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX bookings_resource ON bookings(resource_id, starts_at);
CREATE INDEX bookings_path ON bookings(area_path, starts_at);

-- +goose StatementBegin
CREATE TRIGGER bookings_no_overlap_insert BEFORE INSERT ON bookings
WHEN NEW.status IN ('held','confirmed') BEGIN
    SELECT RAISE(ABORT, 'bookings_no_overlap')
    WHERE EXISTS (SELECT 1 FROM bookings b WHERE b.resource_id = NEW.resource_id
        AND b.status IN ('held','confirmed') AND b.starts_at < NEW.ends_at AND NEW.starts_at < b.ends_at);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER bookings_no_overlap_update BEFORE UPDATE OF resource_id, starts_at, ends_at, status ON bookings
WHEN NEW.status IN ('held','confirmed') BEGIN
    SELECT RAISE(ABORT, 'bookings_no_overlap')
    WHERE EXISTS (SELECT 1 FROM bookings b WHERE b.resource_id = NEW.resource_id AND b.id <> NEW.id
        AND b.status IN ('held','confirmed') AND b.starts_at < NEW.ends_at AND NEW.starts_at < b.ends_at);
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE bookings;
