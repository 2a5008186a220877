-- +goose Up
-- Hot spots (未诉先办, docs/hotspots.md): each weekly run of the detector
-- keeps the grid × category cells it flagged against their own baseline
-- and the demands that came back after an earlier one was resolved.
-- A rerun of a week replaces that week's run.
CREATE TABLE hotspot_runs (
    id          INTEGER PRIMARY KEY,
    week        TEXT NOT NULL UNIQUE,       -- Monday of the tested week, Asia/Shanghai
    computed_at TIMESTAMP NOT NULL,
    cells       INTEGER NOT NULL,           -- cells tested
    flagged     INTEGER NOT NULL,
    alpha       REAL NOT NULL               -- the false-discovery rate kept to
);

CREATE TABLE hotspot_cells (
    id            INTEGER PRIMARY KEY,
    run_id        INTEGER NOT NULL REFERENCES hotspot_runs(id) ON DELETE CASCADE,
    week          TEXT NOT NULL,
    area_code     TEXT NOT NULL REFERENCES areas(code),
    area_path     TEXT NOT NULL,
    category_code TEXT NOT NULL,
    observed      INTEGER NOT NULL,
    expected      REAL NOT NULL,
    p             REAL NOT NULL,
    q             REAL NOT NULL,
    baseline      TEXT NOT NULL,            -- the baseline weeks' counts, oldest first, comma-separated
    rank          INTEGER NOT NULL          -- 1 = most unusual of the run
);
CREATE INDEX hotspot_cells_run ON hotspot_cells(run_id, rank);
CREATE INDEX hotspot_cells_path ON hotspot_cells(area_path, week);

CREATE TABLE hotspot_repeats (
    id            INTEGER PRIMARY KEY,
    run_id        INTEGER NOT NULL REFERENCES hotspot_runs(id) ON DELETE CASCADE,
    week          TEXT NOT NULL,
    area_code     TEXT NOT NULL REFERENCES areas(code),
    area_path     TEXT NOT NULL,
    category_code TEXT NOT NULL,
    demand_id     INTEGER NOT NULL REFERENCES demands(id),
    earlier_id    INTEGER NOT NULL REFERENCES demands(id), -- resolved before demand_id came in
    matched_by    TEXT NOT NULL,            -- address or text
    similarity    REAL NOT NULL
);
CREATE INDEX hotspot_repeats_run ON hotspot_repeats(run_id, area_path);

-- Monthly topics (每月一题): a hot spot taken up by district or street
-- staff, with an owner and a root-cause service project (projects).
CREATE TABLE hotspot_topics (
    id            INTEGER PRIMARY KEY,
    title         TEXT NOT NULL,
    month         TEXT NOT NULL,            -- YYYY-MM
    area_code     TEXT NOT NULL REFERENCES areas(code), -- the street that owns it (its project lands there)
    area_path     TEXT NOT NULL,            -- the grid's: read where the grid is read
    category_code TEXT NOT NULL,
    owner_name    TEXT NOT NULL,
    status        TEXT NOT NULL,            -- open, closed
    cell_id       INTEGER REFERENCES hotspot_cells(id) ON DELETE SET NULL,
    project_id    INTEGER REFERENCES projects(id),
    opened_on     TEXT NOT NULL,            -- first day counted as "during" (YYYY-MM-DD)
    closed_on     TEXT,                     -- the fix is in; "after" starts the next Monday
    created_by    INTEGER,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX hotspot_topics_path ON hotspot_topics(area_path, month);

-- The grids a topic covers.
CREATE TABLE hotspot_topic_grids (
    topic_id  INTEGER NOT NULL REFERENCES hotspot_topics(id),
    area_code TEXT NOT NULL REFERENCES areas(code),
    area_path TEXT NOT NULL,
    PRIMARY KEY (topic_id, area_code)
);

-- +goose Down
DROP TABLE hotspot_topic_grids;
DROP TABLE hotspot_topics;
DROP TABLE hotspot_repeats;
DROP TABLE hotspot_cells;
DROP TABLE hotspot_runs;
