package web

// pairingSection is pairing with people who need care (结对关爱): the area
// staff's pages (people in care, a person with their pairs and on-call
// link, logs to approve, requests with response times, the gap lists),
// the member's phone page (my pairing), and the on-call link's page that
// needs no account. Its staff pages sit under the party tabs.
func pairingSection() section {
	return section{
		name:  "pairing",
		parts: []string{"pairing_parts.html"},
		lean:  true,
		pages: []string{"pairing_people.html", "pairing_person.html", "pairing_link.html", "pairing_logs.html", "pairing_requests.html",
			"pairing_gaps.html", "pairing_my.html", "pairing_help.html"},
		routes: func(s *server) []pageRoute {
			return []pageRoute{
				{"GET /care", s.page(s.careList)},
				{"POST /care", s.post(formLimit, s.careAdd)},
				{"POST /care/import", s.page(s.careImport)},
				{"GET /care/people/{id}", s.page(s.carePerson)},
				{"POST /care/people/{id}/pairs", s.post(formLimit, s.carePair)},
				{"POST /care/people/{id}/link", s.post(formLimit, s.careLink)},
				{"POST /care/pairs/{id}/end", s.post(formLimit, s.careEndPair)},
				{"GET /care/logs", s.page(s.careLogs)},
				{"POST /care/logs/{id}/decide", s.post(formLimit, s.careDecide)},
				{"GET /care/requests", s.page(s.careRequests)},
				{"POST /care/requests/{id}/{action}", s.post(formLimit, s.careAnswer)},
				{"GET /care/gaps", s.page(s.careGaps)},
				{"GET /care/gaps/export", s.page(s.careGapsExport)},
				{"GET /my/pairing", s.page(s.careMy)},
				{"POST /my/pairing/{id}/log", s.post(formLimit, s.careMyLog)},
				{"GET /help/{token}", s.public(s.careHelp)},
				{"POST /help/{token}", s.public(s.careHelpSend)},
			}
		},
	}
}
