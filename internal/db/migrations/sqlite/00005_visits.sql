-- +goose Up
-- Quarterly visiting campaigns (满意在徐汇·服务在基层): teams visit every residential area.
CREATE TABLE visit_campaigns (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    quarter    TEXT NOT NULL,
    starts_on  TEXT NOT NULL,
    ends_on    TEXT NOT NULL,
    area_code  TEXT NOT NULL REFERENCES areas(code),
    area_path  TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (area_code, quarter)
);

-- A team: a government body's party organisation plus named people
-- (deputies, CPPCC members, lawyers), assigned to a residential area.
CREATE TABLE visit_teams (
    id          INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES visit_campaigns(id),
    name        TEXT NOT NULL,
    org_name    TEXT NOT NULL DEFAULT '',
    members     TEXT NOT NULL DEFAULT '[]',
    area_code   TEXT NOT NULL REFERENCES areas(code),
    area_path   TEXT NOT NULL
);
CREATE INDEX visit_teams_campaign ON visit_teams(campaign_id);

CREATE TABLE visits (
    id          INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES visit_campaigns(id),
    team_id     INTEGER NOT NULL REFERENCES visit_teams(id),
    area_code   TEXT NOT NULL REFERENCES areas(code),
    area_path   TEXT NOT NULL,
    visited_on  TEXT NOT NULL,
    met         TEXT NOT NULL DEFAULT '',
    raised      TEXT NOT NULL DEFAULT '',
    created_by  INTEGER,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX visits_campaign ON visits(campaign_id, area_path);

CREATE TABLE visit_demands (
    visit_id  INTEGER NOT NULL REFERENCES visits(id),
    demand_id INTEGER NOT NULL REFERENCES demands(id),
    PRIMARY KEY (visit_id, demand_id)
);

-- +goose Down
DROP TABLE visit_demands;
DROP TABLE visits;
DROP TABLE visit_teams;
DROP TABLE visit_campaigns;
