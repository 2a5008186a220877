package api_test

import (
	"context"
	"strconv"
	"sync"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/hotspot"
	"gongzhi/internal/testkit"
)

var (
	hotspotTargetsMu sync.Mutex
	hotspotTargetsOf = map[*env]map[bool]int64{}
	hotspotRunOf     = map[*env]int64{}
)

// hotspotsOf makes (once per env) a weekly run with one hot spot in ResA1's
// grid and one in ResB1, written as the run writes them, and returns their ids by out.
func hotspotsOf(e *env) map[bool]int64 {
	hotspotTargetsMu.Lock()
	defer hotspotTargetsMu.Unlock()
	if ids := hotspotTargetsOf[e]; ids != nil {
		return ids
	}
	ctx := context.Background()
	run, err := db.InsertID(ctx, e.db, `INSERT INTO hotspot_runs (week, computed_at, cells, flagged, alpha) VALUES ('2026-11-23', ?, 100, 2, 0.05)`, e.clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	hotspotRunOf[e] = run
	ids := map[bool]int64{}
	for _, out := range []bool{false, true} {
		ids[out] = newCell(e, out)
		// And a monthly topic made of it.
		newTopic(e, out)
	}
	hotspotTargetsOf[e] = ids
	e.t.Cleanup(func() {
		hotspotTargetsMu.Lock()
		delete(hotspotTargetsOf, e)
		delete(hotspotRunOf, e)
		hotspotTargetsMu.Unlock()
	})
	return ids
}

// newCell adds a hot spot to the run, in ResA1's grid or in ResB1.
func newCell(e *env, out bool) int64 {
	e.t.Helper()
	ctx := context.Background()
	code := pick(out, testkit.GridA1, testkit.ResB1)
	path, err := area.Path(ctx, e.db, code)
	if err != nil {
		e.t.Fatal(err)
	}
	id, err := db.InsertID(ctx, e.db, `INSERT INTO hotspot_cells (run_id, week, area_code, area_path, category_code, observed, expected, p, q, baseline, rank)
		VALUES (?, '2026-11-23', ?, ?, 'noise', 12, 2.5, 0.00001, 0.001, '2,3,2,3,2,3,2,3', 1)`, hotspotRunOf[e], code, path)
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

// newTopic makes a fresh hot spot a monthly topic, as the system.
func newTopic(e *env, out bool) int64 {
	e.t.Helper()
	t, err := hotspot.NewService(e.db, e.clock, e.lists).CreateTopic(context.Background(), auth.SystemPrincipal(),
		hotspot.TopicInput{HotspotID: newCell(e, out), Title: "夜间噪音治理", Owner: "李书记"})
	if err != nil {
		e.t.Fatal(err)
	}
	return t.ID
}

// hotspotMatrixRows: hot spots are read by staff of the area (district,
// street, residential) and auditors, each within their subtree.
func hotspotMatrixRows() map[string]matrixRow {
	const (
		listIn  = "200 200 200 403 403 403 403 200"
		listOut = "200 empty empty 403 403 403 403 200"
		readOut = "200 404 404 403 403 403 403 200"
		// Topics are made and changed by street staff and the district (topic.write).
		writeIn   = "201 201 403 403 403 403 403 403"
		writeOut  = "201 404 403 403 403 403 403 403"
		changeIn  = "200 200 403 403 403 403 403 403"
		changeOut = "200 404 404 403 403 403 403 403"
	)
	topic := func(suffix string) request {
		return func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			hotspotsOf(e)
			var body any
			if suffix != "" {
				body = map[string]any{}
			}
			return "/monthly-topics/" + strconv.FormatInt(newTopic(e, out), 10) + suffix, body
		}
	}
	list := func(path string) request {
		return func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			hotspotsOf(e)
			return path + "?area=" + pick(out, testkit.ResA1, testkit.ResB1), nil
		}
	}
	return map[string]matrixRow{
		"GET /hotspots":        {"hot spots of ResA1 vs ResB1", list("/hotspots"), listIn, listOut},
		"GET /hotspot-repeats": {"recurring problems of ResA1 vs ResB1 (none)", list("/hotspot-repeats"), listIn, listOut},
		"GET /hotspots/{id}": {"a hot spot in ResA1's grid vs in ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/hotspots/" + strconv.FormatInt(hotspotsOf(e)[out], 10), nil
		}, listIn, readOut},
		"GET /hotspot-runs":   {"the district's runs", fixed("/hotspot-runs", nil), listIn, listIn},
		"GET /monthly-topics": {"topics of ResA1 vs ResB1", list("/monthly-topics"), listIn, listOut},
		"POST /monthly-topics": {"a fresh hot spot in ResA1's grid vs in ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			hotspotsOf(e)
			return "/monthly-topics", map[string]any{"hotspot_id": newCell(e, out), "title": "夜间噪音治理", "owner": "李书记"}
		}, writeIn, writeOut},
		"GET /monthly-topics/{id}":          {"a topic of ResA1's grid vs of ResB1", topic(""), listIn, readOut},
		"POST /monthly-topics/{id}/project": {"a fresh topic of ResA1's grid vs of ResB1", topic("/project"), changeIn, changeOut},
		"POST /monthly-topics/{id}/close":   {"a fresh topic of ResA1's grid vs of ResB1", topic("/close"), changeIn, changeOut},
	}
}
