-- +goose Up
-- Each area and day gets a rollup row of every category together
-- (category_code '', demand.AllCategories): the rates and breakdowns
-- without a category filter read one row a day instead of one per category
-- (19 in the demo district), which made a district's year 19 times cheaper
-- to add up. demand.rollup keeps both in the same statement from now on.
INSERT INTO demand_rollups (area_path, category_code, day, received, response_base, responded, rated, solved, satisfied, overdue, open)
SELECT area_path, '', day, sum(received), sum(response_base), sum(responded), sum(rated), sum(solved), sum(satisfied), sum(overdue), sum(open)
FROM demand_rollups WHERE category_code <> '' GROUP BY area_path, day;

-- +goose Down
DELETE FROM demand_rollups WHERE category_code = '';
