-- +goose Up
-- Organisations' dual reporting (组织双报到, issue 10): a unit's party
-- organisation registers with the residential area it sits in, with a
-- contact and what it offers; the residential area's staff confirm it (a
-- second person). One registration per organisation and area.
CREATE TABLE org_reports (
    id            INTEGER PRIMARY KEY,
    party_org_id  INTEGER NOT NULL REFERENCES party_orgs(id),
    area_code     TEXT NOT NULL REFERENCES areas(code),  -- the residential area
    area_path     TEXT NOT NULL,
    reported_on   TEXT NOT NULL,                         -- YYYY-MM-DD, Asia/Shanghai
    contact_name  TEXT NOT NULL,
    contact_phone TEXT NOT NULL DEFAULT '',              -- masked on output
    offers        TEXT NOT NULL DEFAULT '',              -- resources and commitments, one a line
    status        TEXT NOT NULL,                         -- pending, confirmed
    created_by    INTEGER REFERENCES users(id),
    confirmed_by  INTEGER REFERENCES users(id),
    confirmed_at  TIMESTAMP,
    created_at    TIMESTAMP NOT NULL,
    UNIQUE (party_org_id, area_code)
);
CREATE INDEX org_reports_path ON org_reports(area_path, status);

-- Service logs (服务记录): a dual-reported member logs service done at one
-- of their posts; the residential area's staff approve or reject it (not
-- the member). An approved log is verified service (source service_log).
CREATE TABLE member_service_logs (
    id         INTEGER PRIMARY KEY,
    member_id  INTEGER NOT NULL REFERENCES members(id),
    post       TEXT NOT NULL,
    area_code  TEXT NOT NULL REFERENCES areas(code),     -- the residential area reported to
    area_path  TEXT NOT NULL,
    started_at TIMESTAMP NOT NULL,
    ended_at   TIMESTAMP NOT NULL,
    note       TEXT NOT NULL,
    status     TEXT NOT NULL,                            -- pending, approved, rejected
    logged_by  INTEGER REFERENCES users(id),
    decided_by INTEGER REFERENCES users(id),
    decided_at TIMESTAMP,
    reason     TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX member_service_logs_path ON member_service_logs(area_path, status);
CREATE INDEX member_service_logs_member ON member_service_logs(member_id, started_at);

-- Activities published by a service project (服务项目).
ALTER TABLE activities ADD COLUMN project_id INTEGER REFERENCES projects(id);

-- +goose Down
ALTER TABLE activities DROP COLUMN project_id;
DROP TABLE member_service_logs;
DROP TABLE org_reports;
