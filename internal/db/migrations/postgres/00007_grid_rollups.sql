-- +goose Up
-- Rollups are kept at every level of the area tree from now on, lanes and
-- grids included (internal/demand rollupPaths), so the grid map reads its
-- figures like every other dashboard. Demands received before this add
-- their share to their lane and grid here, by the rules of
-- docs/demand-rates.md (contribution in internal/demand/rates.go); a test
-- checks this gives what the service writes. The received day is the day in
-- Asia/Shanghai.
INSERT INTO demand_rollups (area_path, category_code, day, received, response_base, responded, rated, solved, satisfied, overdue, open)
SELECT x.path, d.category_code, to_char(d.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'), count(*),
    sum(CASE WHEN d.contacted_at IS NOT NULL OR d.contact_lapsed THEN 1 ELSE 0 END),
    sum(CASE WHEN d.contacted_at IS NOT NULL AND d.contacted_at <= d.contact_due THEN 1 ELSE 0 END),
    sum(CASE WHEN d.satisfaction <> '' THEN 1 ELSE 0 END),
    sum(CASE WHEN d.satisfaction <> '' AND d.solved THEN 1 ELSE 0 END),
    sum(CASE WHEN d.satisfaction IN ('satisfied', 'basic') THEN 1 ELSE 0 END),
    sum(CASE WHEN d.overdue THEN 1 ELSE 0 END),
    sum(CASE WHEN d.status NOT IN ('closed', 'merged') THEN 1 ELSE 0 END)
FROM demands d
JOIN areas a ON a.code = d.area_code
JOIN areas x ON (x.code = a.code OR x.code = a.parent_code) AND x.level IN ('lane', 'grid')
WHERE d.duplicate_of IS NULL AND d.status <> 'merged' AND d.unreasonable <> 'approved'
GROUP BY x.path, d.category_code, to_char(d.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD');

-- +goose Down
DELETE FROM demand_rollups WHERE area_path IN (SELECT path FROM areas WHERE level IN ('lane', 'grid'));
