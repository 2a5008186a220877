package web

import "gongzhi/internal/auth"

// hotspotSection is proactive governance (未诉先办, 每月一题): the weekly
// hot spots — grids whose demands of a category were unusual against
// their own baseline — with the demands behind each, recurring problems,
// and the monthly topics made of them with their project and measured
// effect. Plain forms, no htmx.
func hotspotSection() section {
	return section{
		name: "hotspot",
		nav: []navLink{
			{Section: "hotspots", Href: "/hotspots", Key: "nav.hotspots", can: canAny(auth.HotspotRead)},
		},
		lean:  true,
		pages: []string{"hotspot_list.html", "hotspot_map.html", "hotspot_spot.html", "hotspot_topics.html", "hotspot_topic.html"},
		routes: func(s *server) []pageRoute {
			return []pageRoute{
				{"GET /hotspots", s.page(s.hotspotList)},
				{"GET /hotspots/map", s.page(s.hotspotMap)},
				{"GET /hotspots/map.json", s.page(s.hotspotMapJSON)},
				{"GET /hotspots/{id}", s.page(s.hotspotPage)},
				{"GET /monthly-topics", s.page(s.mtTopicList)},
				{"POST /monthly-topics", s.post(formLimit, s.mtTopicCreate)},
				{"GET /monthly-topics/{id}", s.page(s.mtTopicPage)},
				{"POST /monthly-topics/{id}/project", s.post(formLimit, s.mtTopicProject)},
				{"POST /monthly-topics/{id}/close", s.post(formLimit, s.mtTopicClose)},
			}
		},
	}
}
