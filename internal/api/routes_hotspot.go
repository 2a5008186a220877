package api

import "gongzhi/internal/hotspot"

// hotspotRoutes are proactive governance's endpoints (未诉先办, issue 12):
// the weekly hot spots (grid × category cells unusual against their own
// baseline, with false-discovery control), recurring problems, and the
// monthly topics made of them (每月一题) with their measured effect.
// docs/hotspots.md explains the model.
func hotspotRoutes() []route {
	page := []Param{{Ref: "page"}, {Ref: "per_page"}}
	filters := append([]Param{
		{Name: "week", Desc: "The Monday (YYYY-MM-DD, Asia/Shanghai) of the tested week; default: the latest run's. Another day is 400."},
		{Name: "area", Desc: "Only grids in this area's subtree (unknown: 400)."},
		{Name: "category", Desc: "Only this category's code."}}, page...)
	return []route{
		{Route{Method: "GET", Path: "/hotspots", Op: Op{ID: "listHotspots", Tag: "hotspots",
			Summary: "A week's hot spots in the caller's scope (hotspot.read), most unusual first: grids whose demands of a category were far above their own baseline.",
			Desc: "Each cell's count is tested against a negative binomial baseline from its own previous eight weeks, scaled by the category's district-wide level that week; " +
				"p is the chance of at least as many in a usual week, q the Benjamini–Hochberg adjusted value across every cell of the district. Listed are cells with q ≤ 0.05 and at least 3 demands.",
			Params: filters,
			Resps:  []Resp{{Status: 200, Desc: "One page of hot spots, and the week shown.", Type: typeOf[spotList]()}},
			Errs:   []int{400, 403}}}, (*server).listHotspots},
		{Route{Method: "GET", Path: "/hotspots/{id}", Op: Op{ID: "getHotspot", Tag: "hotspots",
			Summary: "One hot spot with its explanation: the baseline weeks, the expectation and the demands behind it; outside scope it is not found.",
			Resps:   []Resp{{Status: 200, Desc: "The hot spot.", Type: typeOf[hotspot.SpotDetail]()}},
			Errs:    []int{403, 404}}}, (*server).getHotspot},
		{Route{Method: "GET", Path: "/hotspot-repeats", Op: Op{ID: "listHotspotRepeats", Tag: "hotspots",
			Summary: "A week's recurring problems in scope: demands that brought back one resolved before in the same area and category, by the same address or near-identical text.",
			Params:  filters,
			Resps:   []Resp{{Status: 200, Desc: "One page of recurring problems.", Type: typeOf[list[hotspot.Repeat]]()}},
			Errs:    []int{400, 403}}}, (*server).listHotspotRepeats},
		{Route{Method: "GET", Path: "/hotspot-runs", Op: Op{ID: "listHotspotRuns", Tag: "hotspots",
			Summary: "The weekly runs, newest first: cells tested, hot spots and recurring problems found district-wide (counts only; hotspot.read anywhere).",
			Params:  page,
			Resps:   []Resp{{Status: 200, Desc: "One page of runs.", Type: typeOf[list[hotspot.RunInfo]]()}},
			Errs:    []int{403}}}, (*server).listHotspotRuns},
		{Route{Method: "GET", Path: "/monthly-topics", Op: Op{ID: "listMonthlyTopics", Tag: "hotspots",
			Summary: "Monthly topics (每月一题) in the caller's scope, newest first.",
			Params: append([]Param{{Name: "area", Desc: "Only topics of grids in this area's subtree (unknown: 400)."},
				{Name: "status", Desc: "open or closed.", Schema: `{"type":"string","enum":["open","closed"]}`}}, page...),
			Resps: []Resp{{Status: 200, Desc: "One page of topics.", Type: typeOf[list[hotspot.Topic]]()}},
			Errs:  []int{400, 403}}}, (*server).listMonthlyTopics},
		{Route{Method: "POST", Path: "/monthly-topics", Op: Op{ID: "createMonthlyTopic", Tag: "hotspots",
			Summary: "Make a hot spot this month's topic, owned by its grid's street (topic.write: street staff there, district staff).",
			Desc:    "The topic links the grid's demands of the category from the hot spot's week on, those filed later included. One topic per hot spot (else 409).",
			Body:    &Body{Type: typeOf[hotspot.TopicInput]()},
			Resps:   []Resp{{Status: 201, Desc: "The topic.", Type: typeOf[hotspot.Topic](), Location: true}},
			Errs:    []int{400, 403, 404, 409, 413}}}, (*server).createMonthlyTopic},
		{Route{Method: "GET", Path: "/monthly-topics/{id}", Op: Op{ID: "getMonthlyTopic", Tag: "hotspots",
			Summary: "One topic with its progress (linked demands, project milestones), its project and, once closed four whole weeks, its measured effect and verdict.",
			Desc: "effect compares the topic's grids' demands of the category in the eight weeks before it opened with the weeks after the Monday following its close (up to eight), " +
				"against the district's other grids over the same weeks: the ratio of ratios with a 95% interval (Poisson counts).",
			Resps: []Resp{{Status: 200, Desc: "The topic.", Type: typeOf[hotspot.Topic]()}},
			Errs:  []int{403, 404}}}, (*server).getMonthlyTopic},
		{Route{Method: "POST", Path: "/monthly-topics/{id}/project", Op: Op{ID: "createMonthlyTopicProject", Tag: "hotspots",
			Summary: "Make the topic's root-cause service project (a project of the lists capability in the topic's street, titled as the topic and led by its owner) and link it; a second is 409.",
			Body:    &Body{Type: typeOf[hotspot.ProjectInput](), Optional: true},
			Resps:   []Resp{{Status: 200, Desc: "The topic with its project.", Type: typeOf[hotspot.Topic]()}},
			Errs:    []int{400, 403, 404, 409, 413}}}, (*server).createMonthlyTopicProject},
		{Route{Method: "POST", Path: "/monthly-topics/{id}/close", Op: Op{ID: "closeMonthlyTopic", Tag: "hotspots",
			Summary: "Record that the topic's fix is in (closed_on, default today); its effect is measured from the next Monday. A closed topic is 409.",
			Body:    &Body{Type: typeOf[monthlyTopicCloseBody](), Optional: true},
			Resps:   []Resp{{Status: 200, Desc: "The topic, closed.", Type: typeOf[hotspot.Topic]()}},
			Errs:    []int{400, 403, 404, 409, 413}}}, (*server).closeMonthlyTopic},
	}
}
