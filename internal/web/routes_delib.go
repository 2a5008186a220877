package web

import "gongzhi/internal/auth"

// delibSection is deliberation (自治协商): staff pages for votes (call, open,
// close, ballot slips) and topics (by status, answers, area thresholds);
// the resident's phone pages (议事: votes and topics of their area, the
// ballot, the topic with its support button); the one-time ballot link
// that needs no account; and the public result with every receipt. The
// section is lean: residents open it on a phone, often by a QR code.
// Residents get no top bar; their home page links to 议事 (/delib).
func delibSection() section {
	return section{
		name: "delib",
		nav: []navLink{
			{Section: "topics", Href: "/topics", Key: "nav.topics", can: canAny(auth.DelibRead)},
		},
		lean:  true,
		parts: []string{"delib_comments.html"},
		pages: []string{"delib_votes.html", "delib_vote.html", "delib_slips.html", "delib_ballot.html", "delib_receipt.html",
			"delib_result.html", "delib_home.html", "delib_topics.html", "delib_topic.html",
			"delib_councils.html", "delib_council.html", "delib_meeting.html", "area_public.html"},
		routes: func(s *server) []pageRoute {
			return []pageRoute{
				{"GET /votes", s.page(s.voteList)},
				{"POST /votes", s.post(formLimit, s.voteCreate)},
				{"GET /votes/{id}", s.page(s.votePage)},
				{"POST /votes/{id}/open", s.post(formLimit, s.voteMove("open"))},
				{"POST /votes/{id}/close", s.post(formLimit, s.voteMove("close"))},
				{"POST /votes/{id}/cancel", s.post(formLimit, s.voteMove("cancel"))},
				{"POST /votes/{id}/links", s.page(s.voteLinks)},
				{"GET /votes/{id}/ballot", s.page(s.ballotSignedIn)},
				{"POST /votes/{id}/ballot", s.post(formLimit, s.castSignedIn)},
				{"GET /ballot/{token}", s.public(s.ballotByLink)},
				{"POST /ballot/{token}", s.public(s.castByLink)},
				{"GET /vote/{id}", s.public(s.voteResult)},
				{"POST /vote/{id}", s.public(s.voteResult)}, // a receipt looked up in the body: it stays out of proxies' logs of addresses
				{"GET /vote/{id}/receipts.csv", s.public(s.voteReceiptsCSV)},
				{"GET /delib", s.page(s.delibHomePage)},
				{"GET /topics", s.page(s.topicList)},
				{"POST /topics", s.post(formLimit, s.topicRaise)},
				{"POST /topic-settings", s.post(formLimit, s.topicSettings)},
				{"GET /topics/export.xlsx", s.page(s.topicExport)},
				{"GET /topics/{id}", s.page(s.topicPage)},
				{"POST /topics/{id}/support", s.post(formLimit, s.topicSupport)},
				{"POST /topics/{id}/answer", s.post(formLimit, s.topicDecide(true))},
				{"POST /topics/{id}/close", s.post(formLimit, s.topicDecide(false))},
				// Comments on a topic, with moderation (delib_comments.go).
				{"POST /topics/{id}/comments", s.post(formLimit, s.commentAdd)},
				{"POST /topic-comments/{id}/report", s.post(formLimit, s.commentAction("report"))},
				{"POST /topic-comments/{id}/hide", s.post(formLimit, s.commentAction("hide"))},
				{"POST /topic-comments/{id}/unhide", s.post(formLimit, s.commentAction("unhide"))},
				{"POST /topic-comments/{id}/delete", s.post(formLimit, s.commentAction("delete"))},
				// Councils and meetings (议事会, delib_council.go), and an area's public page.
				{"GET /councils", s.page(s.councilList)},
				{"POST /councils", s.post(formLimit, s.councilCreate)},
				{"GET /councils/{id}", s.page(s.councilPage)},
				{"POST /councils/{id}/members", s.post(formLimit, s.councilMember)},
				{"POST /councils/{id}/meetings", s.post(formLimit, s.councilMeeting)},
				{"GET /meetings/{id}", s.page(s.meetingPage)},
				{"POST /meetings/{id}/agenda", s.post(formLimit, s.meetingAgenda)},
				{"POST /meetings/{id}/record", s.post(formLimit, s.meetingRecord)},
				{"POST /meetings/{id}/decisions", s.post(formLimit, s.meetingDecision)},
				{"POST /decisions/{id}/project", s.post(formLimit, s.decisionTo("project"))},
				{"POST /decisions/{id}/demand", s.post(formLimit, s.decisionTo("demand"))},
				{"POST /decisions/{id}/rule", s.post(formLimit, s.decisionTo("rule"))},
				{"GET /area/{code}", s.public(s.areaPublic)},
			}
		},
	}
}
