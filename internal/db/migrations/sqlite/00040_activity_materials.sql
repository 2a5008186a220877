-- +goose Up
-- An activity's notice (活动须知) and downloadable materials (资料下载):
-- the organiser writes the notice and attaches files; those signed up read
-- the notice and download the files from their phone. Files are checked as
-- demands' attachments are (type from the bytes, size limit) and kept in
-- the database like them.
CREATE TABLE activity_notices (
    activity_id INTEGER PRIMARY KEY REFERENCES activities(id),
    body        TEXT NOT NULL,
    updated_by  INTEGER REFERENCES users(id),
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE activity_materials (
    id           INTEGER PRIMARY KEY,
    activity_id  INTEGER NOT NULL REFERENCES activities(id),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    uploaded_by  INTEGER REFERENCES users(id),
    created_at   TIMESTAMP NOT NULL,
    data         BLOB NOT NULL
);
CREATE INDEX activity_materials_activity ON activity_materials(activity_id, id);

-- +goose Down
DROP TABLE activity_materials;
DROP TABLE activity_notices;
