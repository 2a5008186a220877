package web

// phoneSection is taking part with a phone (用手机号参与, phone.go): the
// resident's lean pages under /p, with no account, where a code sent by
// SMS proves the phone and the residents' committee's roll says in which
// areas it raises and supports topics; and the staff pages of that roll
// (居民手机名册), linked from an area's staff page.
func phoneSection() section {
	return section{
		name:  "phone",
		lean:  true,
		pages: []string{"phone_home.html", "phone_topic.html", "phone_roll.html"},
		routes: func(s *server) []pageRoute {
			return []pageRoute{
				{"GET /p", s.public(s.phoneHome)},
				{"POST /p/code", s.public(s.phoneCode)},
				{"POST /p/verify", s.public(s.phoneVerify)},
				{"POST /p/topics", s.public(s.phoneSigned(s.phoneRaise))},
				{"GET /p/topics/{id}", s.public(s.phoneTopicPage)},
				{"POST /p/topics/{id}/support", s.public(s.phoneSigned(s.phoneSupport))},
				{"POST /p/topics/{id}/comments", s.public(s.phoneSigned(s.phoneComment))},
				{"POST /p/signout", s.public(s.phoneSigned(s.phoneSignOut))},
				{"GET /resident-phones", s.page(s.rollPage)},
				{"POST /resident-phones", s.post(formLimit, s.rollAdd)},
				{"POST /resident-phones/import", s.page(s.rollImport)}, // its own multipart body and CSRF check
				{"POST /resident-phones/remove", s.post(formLimit, s.rollRemove)},
				{"GET /resident-phones/export.xlsx", s.page(s.rollExport)},
			}
		},
	}
}
